"""Auto-grading for the NLP course week on neural networks and Word2Vec.

The public surface is what `__all__` names; everything else lives in private
modules and may change.
"""
from ._course import course_root, load_parts
from ._errors import UserError
from ._manifest import FunctionSpec, Limits, Part

__all__ = ["FunctionSpec", "Limits", "Part", "UserError", "course_root", "load_parts"]
__version__ = "0.1.0"
