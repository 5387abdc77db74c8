"""Manifest text that starts with ``{``: a stream of JSON objects, as apimachinery's
``YAMLOrJSONDecoder`` reads it (``encoding/json`` error texts included).

Bounded like the YAML reader (depth, node count); duplicate keys get the API server's
strict-decoding message, since ``encoding/json`` keeps the last one silently.
"""

from __future__ import annotations

import json
import json.scanner
import math
from typing import Any

from .documents import MAX_DEPTH, MAX_NODES, Document, GoError, documents_for


class _Pairs(dict):
    """A JSON object that remembers which keys appeared more than once."""

    duplicates: list[str]


def _pairs_hook(pairs: list[tuple[str, Any]]) -> dict:
    obj = _Pairs()
    obj.duplicates = []
    for key, value in pairs:
        if key in obj:
            obj.duplicates.append(key)
        obj[key] = value
    return obj


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def parse_json_stream(s: str, source: str) -> list[Document]:
    decoder = json.JSONDecoder(object_pairs_hook=_pairs_hook, parse_constant=_reject_constant)
    scan = json.scanner.make_scanner(decoder)
    docs: list[Document] = []
    pos, index, length = 0, 0, len(s)
    while True:
        while pos < length and s[pos] in " \t\r\n":
            pos += 1
        if pos >= length:
            return docs
        index += 1
        line = s.count("\n", 0, pos) + 1
        try:
            value, end = decoder.raw_decode(s, pos)
            _check_json_tree(value)
        except json.JSONDecodeError as e:
            error_line = s.count("\n", 0, e.pos) + 1
            message = f"error parsing {source}: {_json_error_text(s, e)}"
            docs.append(Document(index, line, None, message, error_line))
            return docs
        except (ValueError, RecursionError, GoError) as e:
            text = e.text if isinstance(e, GoError) else _json_value_error(e)
            docs.append(Document(index, line, None, f"error parsing {source}: {text}", line))
            return docs
        duplicate = _first_duplicate(value, "")
        if duplicate is not None:
            message = _strict_duplicate_message(value, duplicate)
            docs.append(Document(index, line, None, message, line))
        else:
            item_lines = _json_item_lines(s, pos, scan) if isinstance(value, dict) and "items" in value else None
            docs.extend(documents_for(index, _plain(value), line, source, item_lines))
        pos = end


def _json_value_error(e: Exception) -> str:
    if isinstance(e, RecursionError):
        return f"json: exceeded max depth of {MAX_DEPTH}"
    return f"json: invalid character '{str(e)[:1]}' looking for beginning of value"


def _check_json_tree(value: Any) -> None:
    count = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            raise GoError(f"json: exceeded max depth of {MAX_DEPTH}")
        if count > MAX_NODES:
            raise GoError(f"json: too many values (limit is {MAX_NODES})")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise GoError("json: cannot unmarshal number into Go value of type float64")


def _first_duplicate(value: Any, path: str) -> str | None:
    if isinstance(value, dict):
        duplicates = getattr(value, "duplicates", [])
        if duplicates:
            return f"{path}{duplicates[0]}"
        for key, child in value.items():
            found = _first_duplicate(child, f"{path}{key}.")
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found = _first_duplicate(child, f"{path[:-1]}[{i}]." if path else f"[{i}].")
            if found is not None:
                return found
    return None


def _strict_duplicate_message(value: Any, path: str) -> str:
    """What the API server answers for a duplicate JSON field under fieldValidation=Strict."""
    kind = value.get("kind") if isinstance(value, dict) else None
    api_version = value.get("apiVersion") if isinstance(value, dict) else None
    version = api_version.rsplit("/", 1)[-1] if isinstance(api_version, str) else ""
    if isinstance(kind, str) and kind:
        return (
            f'{kind} in version "{version}" cannot be handled as a {kind}: '
            f'strict decoding error: duplicate field "{path}"'
        )
    return f'strict decoding error: duplicate field "{path}"'


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _json_item_lines(s: str, pos: int, scan: Any) -> list[int] | None:
    """Start lines of ``items[*]`` in the top-level JSON object at ``pos`` (already valid)."""
    try:
        return _walk_json_items(s, pos, scan)
    except (StopIteration, IndexError, ValueError):
        return None


def _walk_json_items(s: str, pos: int, scan: Any) -> list[int] | None:

    def skip(i: int) -> int:
        while s[i] in " \t\r\n":
            i += 1
        return i

    lines: list[int] | None = None
    i = skip(pos + 1)
    while s[i] != "}":
        key, i = scan(s, i)
        i = skip(skip(i) + 1)
        if key == "items" and s[i] == "[":
            lines, i = [], skip(i + 1)
            while s[i] != "]":
                lines.append(s.count("\n", 0, i) + 1)
                _, i = scan(s, i)
                i = skip(i)
                if s[i] == ",":
                    i = skip(i + 1)
            i += 1
        else:
            _, i = scan(s, i)
        i = skip(i)
        if s[i] == ",":
            i = skip(i + 1)
    return lines


def _json_error_text(s: str, e: json.JSONDecodeError) -> str:
    """encoding/json's syntax errors, as apimachinery's YAMLOrJSONDecoder wraps them."""
    if e.pos >= len(s) or e.msg.startswith("Unterminated string"):
        return "unexpected EOF"
    char = s[e.pos]
    quoted = {"'": "'\\''", '"': "'\"'"}.get(char, "'" + json.dumps(char)[1:-1] + "'")
    if e.msg.startswith("Expecting property name"):
        detail = "looking for beginning of object key string"
    elif e.msg.startswith("Expecting ':'"):
        detail = "after object key"
    elif e.msg.startswith("Expecting ','"):
        detail = "after object key:value pair" if _innermost(s, e.pos) == "{" else "after array element"
    elif e.msg.startswith("Invalid control character"):
        detail = "in string literal"
    elif e.msg.startswith("Invalid \\"):
        detail = "in string escape code"
    else:
        detail = "looking for beginning of value"
    offset = len(s[: e.pos].encode("utf-8")) + 1
    return f"json: offset {offset}: invalid character {quoted} {detail}"


def _innermost(s: str, pos: int) -> str:
    """The innermost open bracket at ``pos`` in (syntactically valid so far) JSON."""
    stack: list[str] = []
    in_string = escaped = False
    for char in s[:pos]:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            stack.append(char)
        elif char in "}]" and stack:
            stack.pop()
    return stack[-1] if stack else ""
