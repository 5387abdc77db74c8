"""What reading a manifest produces: documents, their errors, and kubectl's client-side checks.

Shared by the YAML and JSON readers of this package; nothing here knows about either syntax.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_BYTES = 3 * 1024 * 1024
MAX_DOCUMENTS = 100
MAX_DEPTH = 64
MAX_NODES = 50_000

_VALIDATE_HINT = "; if you choose to ignore these errors, turn validation off with --validate=false"


class ManifestError(ValueError):
    """The input as a whole cannot be read (too big, not UTF-8, too many documents)."""


@dataclass(frozen=True, slots=True)
class Document:
    """One object read from the input, or the error that stopped it.

    ``error_line`` is the absolute 1-based input line an editor should highlight (kubectl's
    message counts lines from the start of the document instead).
    """

    index: int
    line: int
    obj: dict | None
    error: str | None
    error_line: int | None = None


class DocError(Exception):
    """A per-document problem: ``text`` is the kubectl message, ``line`` 0-based in the chunk."""

    def __init__(self, text: str, line: int | None = None) -> None:
        super().__init__(text)
        self.text = text
        self.line = line


class GoError(DocError):
    """A conversion problem worded like go-yaml / sigs.k8s.io/yaml."""


def list_items(value: Any) -> list[Any] | None:
    """The items of a ``*List`` document, which kubectl expands into objects; else None."""
    if isinstance(value, dict):
        items, kind = value.get("items"), value.get("kind")
        if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
            return items
    return None


def documents_for(
    index: int, value: Any, line: int, source: str, item_lines: list[int] | None = None
) -> list[Document]:
    """Validate one decoded document and expand ``List`` kinds into their items.

    ``item_lines`` are the items' start lines when the reader knows them.
    """
    items = list_items(value)
    if items is None:
        return [checked(index, value, line, source)]
    if item_lines is None or len(item_lines) != len(items):
        item_lines = [line] * len(items)
    return [checked(index, item, item_line, source) for item, item_line in zip(items, item_lines, strict=True)]


def checked(index: int, obj: Any, line: int, source: str) -> Document:
    """kubectl's client-side checks before anything is sent (``getObjectKind`` in validation)."""
    if not isinstance(obj, dict):
        problem = "invalid object to validate"
    else:
        problems = []
        for field in ("apiVersion", "kind"):
            if obj.get(field) is None:
                problems.append(f"{field} not set")
            elif not isinstance(obj[field], str):
                problems.append(f"{field} isn't string type")
        if not problems:
            return Document(index, line, obj, None)
        problem = problems[0] if len(problems) == 1 else "[" + ", ".join(problems) + "]"
    message = f'error validating "{source}": error validating data: {problem}{_VALIDATE_HINT}'
    return Document(index, line, None, message, line)
