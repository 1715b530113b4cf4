"""What leaves the instructors' checkout: the student release, the Gradescope bundle, a CI workflow.

- `build_release(folder)`: stubs, READMEs, manifests, expected values of the
  visible examples, the student notebooks and quiz editions, and this package
  without its hidden suites: what students receive.
- `build_bundle(zip_path)`: the autograder zip to upload to Gradescope.
- `ci_workflow(threshold, folder, python_version)`: a GitHub Actions workflow
  for student repositories that runs `autograder check`.
"""
from ._ci import ci_workflow
from ._gradescope import build_bundle
from ._release import build_release

__all__ = ["build_bundle", "build_release", "ci_workflow"]
