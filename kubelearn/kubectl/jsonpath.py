"""The JSONPath subset of ``kubectl get -o jsonpath=…`` (client-go ``util/jsonpath``).

Supports what lessons and students type: ``{.a.b}``, ``{.items[0]}``, ``{.items[*].metadata.name}``,
``{.items[-1:]}`` style slices, ``{..image}`` recursive descent, filters
``[?(@.type=="Ready")]`` (``==``/``!=``), ``{range .items[*]}…{end}`` and quoted literals
``{"\n"}``. Like kubectl (``--allow-missing-template-keys=true``) missing keys print nothing.
Values print as Go's: strings raw, maps and lists as compact JSON, several results joined by
spaces.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .invocation import KubectlError

_STEP = re.compile(r"\.\.(?P<rec>[\w-]+|\*)|\.(?P<key>[\w-]+|\*)|\[(?P<idx>[^\]]*)\]")
_FILTER = re.compile(r"^\?\(@\.([\w.-]+)\s*(==|!=)\s*(?:\"([^\"]*)\"|'([^']*)'|(\S+))\)$")


def render(template: str, data: Any) -> str:
    nodes = _parse(template)
    out: list[str] = []
    _run(nodes, data, data, out, template)
    return "".join(out)


def _parse(template: str) -> list[Any]:
    """A flat token list: ("text", s) | ("expr", path) | ("range", path) | ("end",)."""
    tokens: list[Any] = []
    i = 0
    while i < len(template):
        start = template.find("{", i)
        if start < 0:
            tokens.append(("text", template[i:]))
            break
        if start > i:
            tokens.append(("text", template[i:start]))
        end = _closing(template, start)
        inner = template[start + 1 : end].strip()
        i = end + 1
        if inner.startswith("range "):
            tokens.append(("range", inner[6:].strip()))
        elif inner == "end":
            tokens.append(("end",))
        elif inner[:1] in "\"'":
            tokens.append(("text", _literal(inner)))
        else:
            tokens.append(("expr", inner))
    return _nest(tokens, template)


def _closing(template: str, start: int) -> int:
    quote = ""
    for j in range(start + 1, len(template)):
        ch = template[j]
        if quote:
            if ch == quote and template[j - 1] != "\\":
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "}":
            return j
    raise KubectlError(f"error: error parsing jsonpath {template}, unclosed action")


def _literal(text: str) -> str:
    try:
        return str(json.loads(text if text[0] == '"' else '"' + text[1:-1] + '"'))
    except ValueError:
        return text[1:-1]


def _nest(tokens: list[Any], template: str) -> list[Any]:
    stack: list[list[Any]] = [[]]
    for token in tokens:
        if token[0] == "range":
            body: list[Any] = []
            stack[-1].append(("range", token[1], body))
            stack.append(body)
        elif token[0] == "end":
            if len(stack) == 1:
                raise KubectlError(f"error: error parsing jsonpath {template}, not in range")
            stack.pop()
        else:
            stack[-1].append(token)
    return stack[0]


def _run(nodes: list[Any], root: Any, current: Any, out: list[str], template: str) -> None:
    for node in nodes:
        if node[0] == "text":
            out.append(node[1])
        elif node[0] == "expr":
            values = evaluate(node[1], root, current)
            out.append(" ".join(format_value(v) for v in values))
        else:
            for item in evaluate(node[1], root, current):
                _run(node[2], root, item, out, template)


def evaluate(path: str, root: Any, current: Any = None) -> list[Any]:
    path = path.strip()
    if path.startswith("$"):
        values, path = [root], path[1:]
    elif path.startswith("@"):
        values, path = [current if current is not None else root], path[1:]
    else:
        values = [current if current is not None else root]
    if path in ("", "."):
        return values
    pos = 0
    while pos < len(path):
        match = _STEP.match(path, pos)
        if match is None:
            raise KubectlError(f"error: error parsing jsonpath {{{path}}}, unrecognized character in action")
        pos = match.end()
        values = _step(values, match)
    return values


def _step(values: list[Any], match: re.Match[str]) -> list[Any]:
    out: list[Any] = []
    if match.group("rec"):
        name = match.group("rec")
        for value in values:
            out.extend(_descend(value, name))
        return out
    key = match.group("key")
    if key is not None:
        for value in values:
            if key == "*":
                out.extend(value.values() if isinstance(value, dict) else value if isinstance(value, list) else [])
            elif isinstance(value, dict) and key in value:
                out.append(value[key])
        return out
    index = match.group("idx").strip()
    filt = _FILTER.match(index)
    for value in values:
        if not isinstance(value, list):
            continue
        if index == "*":
            out.extend(value)
        elif filt:
            field, op, *candidates = filt.groups()
            wanted = next(c for c in candidates if c is not None)
            for item in value:
                got = evaluate("." + field, item, item)
                text = format_value(got[0]) if got else None
                if (text == wanted) == (op == "=="):
                    out.append(item)
        elif ":" in index:
            lo, _, hi = index.partition(":")
            out.extend(value[int(lo) if lo else None : int(hi) if hi else None])
        else:
            try:
                out.append(value[int(index)])
            except (ValueError, IndexError):
                continue
    return out


def _descend(value: Any, name: str) -> list[Any]:
    found: list[Any] = []
    if isinstance(value, dict):
        if name == "*":
            found.extend(value.values())
        elif name in value:
            found.append(value[name])
        for child in value.values():
            found.extend(_descend(child, name))
    elif isinstance(value, list):
        for child in value:
            found.extend(_descend(child, name))
    return found


def format_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)
