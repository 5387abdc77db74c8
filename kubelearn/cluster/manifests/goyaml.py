"""go-yaml v2 semantics over a composed YAML node graph: what ``yaml.Unmarshal`` into
``interface{}`` and ``sigs.k8s.io/yaml``'s JSON conversion make of each node.

Plain scalars resolve by YAML 1.1 rules (``y``/``on`` are booleans, ``1e3`` a number,
timestamps stay strings), keys become strings, merge keys (``<<``) merge, duplicate keys are
reported like strict decoding; ``measure`` rejects alias bombs and deep nesting before anything
is expanded. Nodes are told apart by PyYAML's own ``id`` ("scalar", "sequence", "mapping"), so
this module needs no PyYAML import: the package's reader (``__init__``) stays its one user.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import struct
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .documents import GoError

PLAIN = "!kubelearn/plain"  # marker tag for untagged plain scalars, resolved by go-yaml's rules
Y = "tag:yaml.org,2002:"
STR_TAG = Y + "str"
SEQ_TAG = Y + "seq"
MAP_TAG = Y + "map"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {
    **dict.fromkeys(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"], True),
    **dict.fromkeys(["n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"], False),
}
_SPECIAL_FLOATS = {
    **dict.fromkeys([".nan", ".NaN", ".NAN"], math.nan),
    **dict.fromkeys([".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"], math.inf),
    **dict.fromkeys(["-.inf", "-.Inf", "-.INF"], -math.inf),
}
_GO_INT = re.compile(r"([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)\Z")
_GO_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
ANCHOR = re.compile(r"[&*]([^\s\[\]{},]+)")
_TYPED = {"int": (int,), "float": (int, float), "bool": (bool,), "null": (type(None),)}


def _resolve_plain(value: str) -> Any:
    """go-yaml v2 ``resolve()`` for an untagged plain scalar decoded into ``interface{}``.

    Short texts are memoised: a pure function returning immutable values, and manifests
    repeat the same keys and small values (``apiVersion``, ``name``, ``80``) over and over."""
    return _resolve_short(value) if len(value) <= _SHORT else _resolve_text(value)


_SHORT = 64


@lru_cache(maxsize=4096)
def _resolve_short(value: str) -> Any:
    return _resolve_text(value)


def _resolve_text(value: str) -> Any:
    if value in _NULLS:
        return None
    if value in _BOOLS:
        return _BOOLS[value]
    if value in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[value]
    if value[0] == ".":
        number = float(value) if _GO_FLOAT.match(value) else math.inf
        return number if math.isfinite(number) else value
    if value[0] in "+-0123456789":  # timestamps fall through to strings, as go-yaml v2 does
        plain = value.replace("_", "")
        match = _GO_INT.match(plain)
        if match:
            sign, body = match.groups()
            base = {"x": 16, "o": 8, "b": 2}.get(body[1:2].lower(), 8 if body[:1] == "0" else 10)
            digits = body[2:] if base != 10 and body[1:2].isalpha() else body
            number = int(digits or "0", base) * (-1 if sign == "-" else 1)
            if -(2**63) <= number < 2**63 or (not sign and 0 <= number < 2**64):
                return number
        if _GO_FLOAT.match(plain):
            number = float(plain)
            if math.isfinite(number):
                return number
    return value


def _go_float32_key(number: float) -> str:
    """``strconv.FormatFloat(key, 'g', -1, 32)`` as sigs.k8s.io/yaml renders float keys."""
    if math.isnan(number):
        return ".nan"
    try:
        f32 = struct.unpack("f", struct.pack("f", number))[0]
    except OverflowError:
        f32 = math.copysign(math.inf, number)
    if math.isinf(f32):
        return ".inf" if f32 > 0 else "-.inf"
    for digits in range(1, 10):
        text = f"{f32:.{digits - 1}e}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == f32:
            break
    mantissa, exponent = text.split("e")
    exp = int(exponent)
    if exp < -4 or exp >= 6:
        return f"{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    return format(Decimal(text), "f")


def _go_repr(value: Any) -> str:
    """Go's ``%#v`` for decoded YAML values, enough for error messages."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(_go_repr(v) for v in value) + "}"
    if isinstance(value, dict):
        inner = ", ".join(f"{_go_repr(k)}:{_go_repr(v)}" for k, v in value.items())
        return "map[interface {}]interface {}{" + inner + "}"
    return str(value)


def _json_number(number: float, line: int) -> int | float:
    """json.Marshal then the API server's decoder: integral floats arrive as integers."""
    if not math.isfinite(number):
        text = "NaN" if math.isnan(number) else ("+Inf" if number > 0 else "-Inf")
        raise GoError(f"json: unsupported value: {text}", line)
    if number.is_integer() and abs(number) < 2**63:
        return int(number)
    return number


def measure(root: Any, chunk: str, max_nodes: int, max_depth: int) -> None:
    """Reject alias bombs, cycles and deep nesting on the composed graph, without expanding it.

    Memoises (expanded size, height) per node, so a 448-byte billion-laughs costs ~100 steps.
    """
    memo: dict[int, tuple[int, int]] = {}
    on_path: set[int] = set()
    aliased = False
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = children_of(node)
        if finished:
            size = 1 + sum(memo[id(c)][0] for c in children)
            height = 1 + max((memo[id(c)][1] for c in children), default=0)
            memo[key] = (size, height)
            on_path.discard(key)
            if height > max_depth:
                raise GoError(f"yaml: exceeded max depth of {max_depth}", node.start_mark.line)
            if size > max_nodes or len(memo) > max_nodes:
                if aliased:
                    raise GoError("yaml: document contains excessive aliasing")
                raise GoError(f"yaml: document contains too many nodes (limit is {max_nodes})")
            continue
        if key in memo:
            aliased = True
            continue
        if key in on_path:
            match = ANCHOR.match(chunk, node.start_mark.index)
            name = f" '{match.group(1)}'" if match else ""
            raise GoError(f"yaml: anchor{name} value contains itself", node.start_mark.line)
        on_path.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in memo:
                aliased = True
            else:
                stack.append((child, False))


def children_of(node: Any) -> list[Any]:
    if node.id == "mapping":
        return [part for pair in node.value for part in pair]
    if node.id == "sequence":
        return list(node.value)
    return []


class Converter:
    """Node graph -> JSON values, as ``yaml.Unmarshal`` + ``convertToJSONableObject`` would."""

    def __init__(self) -> None:
        self.duplicates: list[tuple[int, str]] = []

    def convert(self, node: Any) -> Any:
        value = self._value(node)
        if self.duplicates:
            lines = "\n".join(f"  line {n + 1}: key {k} already set in map" for n, k in self.duplicates)
            raise GoError(f"yaml: unmarshal errors:\n{lines}", self.duplicates[0][0])
        return value

    def _value(self, node: Any) -> Any:
        if node.id == "scalar":
            tag = node.tag
            if tag == STR_TAG:
                return node.value
            value = _resolve_plain(node.value) if tag == PLAIN else self._scalar(node)
            return _json_number(value, node.start_mark.line) if isinstance(value, float) else value
        if node.id == "sequence":
            self._check_tag(node, SEQ_TAG)
            return [self._value(child) for child in node.value]
        self._check_tag(node, MAP_TAG)
        return self._mapping(node)

    def _check_tag(self, node: Any, expected: str) -> None:
        if node.tag != expected:
            raise GoError(
                f"yaml: line {node.start_mark.line + 1}: could not determine a constructor for the tag '{node.tag}'",
                node.start_mark.line,
            )

    def _scalar(self, node: Any) -> Any:
        tag, text = node.tag, node.value
        if tag == PLAIN:
            return _resolve_plain(text)
        if tag in (STR_TAG, Y + "timestamp"):
            return text
        short = tag[len(Y) :] if tag.startswith(Y) else ""
        if short in _TYPED:
            value = _resolve_plain(text) if text else None
            if isinstance(value, _TYPED[short]) and not (short != "bool" and value is True):
                return value
            raise GoError(
                f"yaml: line {node.start_mark.line + 1}: cannot decode !!str `{text}` as a !!{short}",
                node.start_mark.line,
            )
        if short == "binary":
            try:
                return base64.b64decode(text, validate=False).decode("utf-8", errors="replace")
            except binascii.Error:
                pass
        self._check_tag(node, STR_TAG)
        return text

    def _mapping(self, node: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.id == "scalar" and key_node.tag == PLAIN and key_node.value != "<<":
                text = key_node.value  # the usual key: a plain string (_resolve_plain, inlined)
                key = _resolve_short(text) if len(text) <= _SHORT else _resolve_text(text)
                shown = None
                if key.__class__ is not str:
                    key, shown = self._key(key_node, value_node)
            elif key_node.id == "scalar" and (
                (key_node.tag == PLAIN and key_node.value == "<<") or key_node.tag == Y + "merge"
            ):
                for source in self._merge_sources(value_node):
                    for k, v in self._mapping(source).items():
                        merged.setdefault(k, v)
                continue
            else:
                key, shown = self._key(key_node, value_node)
            value_kind = value_node.id
            if value_kind == "scalar" and value_node.tag == PLAIN:  # inline the usual values
                text = value_node.value
                value = _resolve_short(text) if len(text) <= _SHORT else _resolve_text(text)
                if value.__class__ is float:
                    value = _json_number(value, value_node.start_mark.line)
            elif value_kind == "mapping" and value_node.tag == MAP_TAG:
                value = self._mapping(value_node)
            else:
                value = self._value(value_node)
            if key in out:
                self.duplicates.append((value_node.start_mark.line, shown if shown is not None else _go_repr(key)))
                continue
            out[key] = value
        for k, v in merged.items():
            out.setdefault(k, v)
        return out

    def _merge_sources(self, node: Any) -> list[Any]:
        if node.id == "mapping":
            return [node]
        if node.id == "sequence" and all(child.id == "mapping" for child in node.value):
            return list(node.value)
        raise GoError("yaml: map merge requires map or sequence of maps as the value", node.start_mark.line)

    def _key(self, key_node: Any, value_node: Any) -> tuple[str, str | None]:
        """Stringify a key like sigs.k8s.io/yaml; returns (key, Go %#v for messages, None for strings)."""
        if key_node.id != "scalar":
            raise GoError(f"yaml: invalid map key: {_go_repr(self._value(key_node))}")
        key = self._scalar(key_node)
        if isinstance(key, str):
            return key, None  # rendered only if it turns out to be a duplicate
        if isinstance(key, bool):
            text = "true" if key else "false"
            return text, text
        if isinstance(key, int):
            return str(key), str(key)
        if isinstance(key, float):
            return _go_float32_key(key), repr(key)
        value = _go_repr(self._value(value_node))
        raise GoError(
            f"unsupported map key of type: %!s(<nil>), key: <nil>, value: {value}",
            key_node.start_mark.line,
        )
