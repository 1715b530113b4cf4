"""Question text: parameter placeholders, Markdown and inline maths, for each place it is shown.

A prompt is Markdown with inline maths between single dollars (`$\\sigma(z)$`)
and Jinja2 placeholders for parameters (`{{ N }}`), filled in a sandbox.  It is
shown as plain text in the terminal (maths turned into Unicode by pylatexenc),
as HTML with MathML in the answer page (Python-Markdown and latex2mathml, so
the page needs no network), and as HTML with `\\( … \\)` maths for Moodle.
"""
from __future__ import annotations

import functools
import html
import html.parser
import re
from typing import ClassVar

import jinja2
import jinja2.sandbox

_MATHS = re.compile(r"(?<![\\$])\$(?!\s)((?:\\.|[^$\\])+?)(?<!\s)\$")
_GROUP = re.compile(r"([\^_])\{([^{}]*)\}")
_SPACED_MACRO = re.compile(r"(\\[A-Za-z]+)(\s)(?=[=+\-<>])")


def _require(module: str):
    """Import an optional dependency of the quiz commands, or say how to install it (one line, no traceback)."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        from .._errors import UserError
        raise UserError(f"the quiz commands need {module.split('.')[0]}: pip install 'week5-autograder[quiz]'") from None


class TemplateProblem(ValueError):
    """A prompt's placeholders do not render (syntax, or an unknown name)."""


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.sandbox.SandboxedEnvironment:
    return jinja2.sandbox.ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                                                        keep_trailing_newline=True)


@functools.lru_cache(maxsize=2048)
def _template(text: str) -> jinja2.Template:
    return _environment().from_string(text)


def fill_placeholders(text: str, values: dict) -> str:
    """The text with `{{ name }}` replaced by the parameter values (TemplateProblem if it cannot be)."""
    if "{{" not in text and "{%" not in text:
        return text
    try:
        return _template(text).render(**values)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"placeholder syntax error on line {exc.lineno} of the text: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise TemplateProblem(f"unknown placeholder: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"placeholders do not render: {exc}") from None


def split_maths(text: str) -> list[tuple[bool, str]]:
    """The text as (is_maths, part) pieces; maths without its dollars."""
    pieces, last = [], 0
    for match in _MATHS.finditer(text):
        pieces.append((False, text[last:match.start()]))
        pieces.append((True, match.group(1)))
        last = match.end()
    pieces.append((False, text[last:]))
    return [(is_maths, part) for is_maths, part in pieces if part]


@functools.lru_cache(maxsize=1)
def _latex_to_text():
    latex2text = _require("pylatexenc.latex2text")
    LatexNodes2Text, MacroTextSpec = latex2text.LatexNodes2Text, latex2text.MacroTextSpec
    context = latex2text.get_default_latex_context_db()
    spaced = {"approx": "≈", "times": "×", "cdot": "·", "leftarrow": "←", "rightarrow": "→", "to": "→",
              "propto": "∝", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠", "in": "∈"}
    context.add_context_category(
        "quiz", prepend=True,
        macros=[MacroTextSpec("frac", simplify_repl="(%s)/(%s)")]
        + [MacroTextSpec(name, simplify_repl=f" {symbol} ") for name, symbol in spaced.items()])
    return LatexNodes2Text(latex_context=context, math_mode="text")


def maths_to_text(latex: str) -> str:
    """Inline maths as readable Unicode: `\\sigma(z)^{3/4}` → `σ(z)^(3/4)`."""
    latex = _GROUP.sub(lambda m: m.group(1) + (m.group(2) if m.group(2).isalnum() else f"({m.group(2)})"), latex)
    latex = _SPACED_MACRO.sub(r"\1{}\2", latex)      # keep the space after \theta in `\theta = 1`
    text = _latex_to_text().latex_to_text(latex)
    return re.sub(r" {2,}", " ", text).strip()


@functools.lru_cache(maxsize=4096)   # a class's reports show the same prompts and choices again and again
def to_terminal(markdown_text: str) -> str:
    """Markdown for a terminal: rendered by Python-Markdown, laid out as plain text, maths as Unicode.

    `**not**` and `` `rows x columns` `` lose their marks, lists keep a dash or
    their number, paragraphs a blank line between them, line breaks as written.
    """
    if not _MARKDOWN_MARKS.search(markdown_text):   # nothing to render: most choices and titles
        return "".join(maths_to_text(part) if is_maths else part for is_maths, part in split_maths(markdown_text))
    rendered = _markdown_with_maths(markdown_text, lambda latex: html.escape(maths_to_text(latex), quote=False))
    text = _PlainText.convert(rendered)
    return text + "\n" if markdown_text.endswith("\n") and not text.endswith("\n") else text


_MARKDOWN_MARKS = re.compile(r"[*_`#<>\[\]|&]|^\s*(?:[-+]|\d+\.)\s", re.MULTILINE)


class _PlainText(html.parser.HTMLParser):
    """Python-Markdown's HTML as terminal text: the tags it writes, each laid out the way plain text shows it."""

    _BLOCKS: ClassVar[set[str]] = {"p", "ul", "ol", "pre", "table", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.lists: list[list[int]] = []   # per open list: [next number] for <ol>, [] for <ul>

    @classmethod
    def convert(cls, markup: str) -> str:
        parser = cls()
        parser.feed(markup)
        parser.close()
        text = re.sub(r"\n{3,}", "\n\n", "".join(parser.pieces))
        return text.strip("\n")

    def _block_break(self) -> None:
        if self.pieces and not "".join(self.pieces[-2:]).endswith("\n\n"):
            self.pieces.append("\n\n")

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("ul", "ol"):
            if not self.lists:
                self._block_break()
            self.lists.append([1] if tag == "ol" else [])
        elif tag == "li":
            numbering = self.lists[-1] if self.lists else []
            marker = f"{numbering[0]}. " if numbering else "- "
            if numbering:
                numbering[0] += 1
            self.pieces.append(("\n" if self.pieces and not self.pieces[-1].endswith("\n") else "")
                               + "  " * (len(self.lists) - 1) + marker)
        elif tag == "br":
            self.pieces.append("\n")
        elif tag in ("td", "th"):
            self.pieces.append(" | " if self.pieces and not self.pieces[-1].endswith("\n") else "")
        elif tag == "tr":
            self.pieces.append("\n")
        elif tag in self._BLOCKS and not (tag == "p" and self.lists):
            self._block_break()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag in self._BLOCKS and not self.lists:
            self._block_break()

    def handle_data(self, data: str) -> None:
        if self.lists and data.strip() == "" and "\n" in data:   # the newlines between <li> tags
            return
        self.pieces.append(data)


def _markdown_with_maths(markdown_text: str, render_maths) -> str:
    """Markdown to HTML, with each maths span rendered by render_maths and kept out of Markdown's way."""
    markdown = _require("markdown")
    rendered: list[str] = []
    source = []
    for is_maths, part in split_maths(markdown_text):
        if is_maths:
            rendered.append(render_maths(part))
            source.append(f"qzmaths{len(rendered) - 1}qz")       # letters only: Markdown leaves it alone
        else:
            source.append(part)
    output = markdown.markdown("".join(source), extensions=["fenced_code", "tables", "sane_lists"],
                               output_format="html")
    return re.sub(r"qzmaths(\d+)qz", lambda m: rendered[int(m.group(1))], output)


def _mathml(latex: str) -> str:
    converter = _require("latex2mathml.converter")
    try:
        return converter.convert(latex)
    except Exception:
        return f"<code>{html.escape(latex)}</code>"


def to_html(markdown_text: str) -> str:
    """HTML for the answer page: maths as MathML, which browsers draw without any script."""
    return _markdown_with_maths(markdown_text, _mathml)


def to_html_with_tex(markdown_text: str) -> str:
    """HTML for LMS export: maths as `\\( … \\)`, which Moodle's MathJax filter draws."""
    return _markdown_with_maths(markdown_text, lambda latex: f"\\({html.escape(latex, quote=False)}\\)")


def inline_html(markdown_text: str) -> str:
    """HTML of a short text (a choice) without the enclosing paragraph."""
    output = to_html(markdown_text).strip()
    if output.startswith("<p>") and output.endswith("</p>") and output.count("<p>") == 1:
        output = output[3:-4]
    return output
