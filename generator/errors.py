"""Problems found in a show's content, and the exception that carries them.

Every stage reports problems the same way: the file, the line and column of
the offending value, the field, what is wrong and how to fix it. Stages collect
problems instead of stopping at the first, so `check` can list them all.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Literal

if TYPE_CHECKING:  # pydantic is imported by the loader; a no-op build never needs it
    from pydantic import BaseModel, ValidationError


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the site folder, with forward slashes
    line: int = 0  # 1-based; 0 when the problem concerns the whole file
    col: int = 0
    field: str = ""
    message: str = ""
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        label = f"{self.field}: " if self.field else ""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{label}{self.message}"

    def github(self) -> str:
        """The GitHub Actions annotation that shows this problem inline on a pull request."""
        kind = "warning" if self.severity == "warning" else "error"
        params = f"file={self.path}"
        if self.line:
            params += f",line={self.line},col={self.col or 1}"
        text = f"{self.field}: {self.message}" if self.field else self.message
        # Newlines and percent signs must be escaped in workflow commands.
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{kind} {params}::{text}"


class ContentError(Exception):
    """Raised when content has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} problem(s)")


@dataclass
class Report:
    """Collects problems while a stage runs."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int, col: int, fld: str, message: str) -> None:
        self.problems.append(Problem(path, line, col, fld, message, "error"))

    def warn(self, path: str, line: int, col: int, fld: str, message: str) -> None:
        self.problems.append(Problem(path, line, col, fld, message, "warning"))

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return sorted(p for p in self.problems if p.severity == "warning")

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ContentError(self.errors)



Locator = Callable[[tuple, bool], tuple[int, int]]


def problems_from(exc: ValidationError, relpath: str, model: type[BaseModel], locate: Locator) -> list[Problem]:
    """Turn pydantic errors into Problems; `locate(loc, is_key)` gives (line, col)."""
    problems = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not _is_internal(p))
        if error["type"] == "extra_forbidden":
            known = list(_model_at(model, loc[:-1]).model_fields)
            known = [k for k in known if k not in LOADER_FIELDS]
            message = _suggest(str(loc[-1]), known)
        else:
            message = message_for(error)
        line, col = locate(loc, error["type"] == "extra_forbidden")
        problems.append(Problem(relpath, line, col, dotted(loc), message))
    return problems


# Fields the loader fills in from the file name and body; a file does not set them.
LOADER_FIELDS = {"source", "slug", "id", "body", "date"}


def _is_internal(part: Any) -> bool:
    # pydantic adds validator names such as 'function-before[_link()]' to locations
    return isinstance(part, str) and ("[" in part or part.startswith(("function-", "constrained-")))


def dotted(loc: tuple) -> str:
    """('items', 1, 'links', 0) -> 'items[1].links[0]'"""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel]:
    """The model class that holds the field at `loc` (list indexes skipped)."""
    from pydantic import BaseModel  # here: a no-op build does not import pydantic

    for part in loc:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[str(part)].annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        for candidate in list(candidates):
            candidates += getattr(candidate, "__args__", ())
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), model)
    return model


def _suggest(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else f"the known keys are: {', '.join(known)}"
    return f"unknown key '{word}'; {hint}"


def message_for(error: dict) -> str:
    """A pydantic error in our words: what was expected, what was given."""
    given, kind = error.get("input"), error["type"]
    if kind == "missing":
        return "required; add it"
    if kind in ("value_error", "assertion_error"):
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if kind == "string_pattern_mismatch":
        text = f"has the wrong form (expected to match {error['ctx']['pattern']})"
    elif kind == "literal_error":
        text = f"expected {error['ctx']['expected']}"
    else:
        text = error["msg"][0].lower() + error["msg"][1:]
    if isinstance(given, (dict, list)):
        return f"{text}, got a {'mapping' if isinstance(given, dict) else 'list'}"
    shown = repr(given)
    return f"{text}, got {shown if len(shown) <= 60 else shown[:50] + '…' + shown[-5:]}"
