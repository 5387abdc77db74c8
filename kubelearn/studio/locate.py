"""Which editor line an API server error is about.

kubectl reports a document's errors by field path (``spec.replicas: Invalid value``,
``strict decoding error: unknown field "spec.replica"``); an editor wants a line. This
module finds the field's key in the student's YAML (PyYAML's composer keeps every node's
position) and falls back to the document's first line when the path is not there.
"""

from __future__ import annotations

import re

import yaml

_QUOTED = re.compile(r'(?:unknown|duplicate) field "([^"]+)"')
_FIELD = re.compile(
    r"(?:^|[\s,:\[])((?:[a-zA-Z][\w-]*)(?:\[\d+\]|\.[a-zA-Z][\w./-]*?)*): "
    r"(?:Invalid value|Required value|Unsupported value|Duplicate value|Forbidden|Too long|Too many|Not found)"
)
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_SEPARATOR = re.compile(r"^---")
_PREFIXES = (
    re.compile(r'^Error from server \([^)]*\): error when \w+ "[^"]*": '),
    re.compile(r"^\S+ in version \"[^\"]*\" cannot be handled as an? \w+: "),
    re.compile(r'^error: error validating "[^"]*": '),
)


def brief(message: str) -> str:
    """The heart of a kubectl error for a note under the line: no "Error from server ... when creating" prelude."""
    for prefix in _PREFIXES:
        message = prefix.sub("", message, count=1)
    return message


def field_paths(message: str) -> list[str]:
    """Field paths named in a kubectl error message, in order (``spec.template.spec.containers[0].image``)."""
    found = _QUOTED.findall(message) + _FIELD.findall(message)
    return [p.removeprefix(".") for p in dict.fromkeys(found)]


def _parts(path: str) -> list[str | int]:
    return [int(index) if index else name for name, index in _PART.findall(path)]


def _document_chunk(text: str, first_line: int) -> tuple[int, str]:
    """The document that starts at 1-based ``first_line``: (0-based offset, its text)."""
    lines = text.splitlines()
    start = max(0, first_line - 1)
    end = start + 1
    while end < len(lines) and not _SEPARATOR.match(lines[end]):
        end += 1
    return start, "\n".join(lines[start:end])


def path_line(text: str, first_line: int, path: str) -> int | None:
    """1-based line of ``path``'s deepest existing key in the document at ``first_line``."""
    offset, chunk = _document_chunk(text, first_line)
    try:
        node = yaml.compose(chunk, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = None
    for part in _parts(path):
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            match = next(((k, v) for k, v in node.value if getattr(k, "value", None) == part), None)
            if match is None:
                break
            line, node = match[0].start_mark.line, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line
        else:
            break
    return None if line is None else offset + line + 1


def error_line(text: str, first_line: int, message: str) -> int:
    """The line to mark for ``message`` about the document starting at ``first_line``."""
    for path in field_paths(message):
        line = path_line(text, first_line, path)
        if line is not None:
            return line
    return first_line
