"""Walking a decoded JSON value against the compiled tables, with Go's error semantics.

Mirrors ``sigs.k8s.io/json``'s copy of ``encoding/json``: type errors are *saved* (the first
one is reported after the walk), strict errors (unknown fields) are collected, and errors from
custom ``UnmarshalJSON`` methods (Quantity, IntOrString, Time) stop the walk at once. Paths are
kept as a linked chain of tuples and only rendered into strings when an error needs one.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Any

from kubelearn.cluster.apiserver.quantity import ERR_FORMAT_WRONG, QuantityError, canonical

from .schema import BOOL, BYTES, FLOAT, INT, INTORSTR, LIST, MAP, QUANTITY, STRING, STRUCT, TIME, Node

_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z")


# A path is a linked chain of tuples: (parent, segment, owner) where owner is the Go struct
# that holds the field (str) for struct fields, "" for map keys and None for list indices.
_Path = tuple[Any, ...] | None


def _strict_path(path: _Path, last: str) -> str:
    """``spec.template.spec.containers[0].imagee``, as sigs.k8s.io/json prints strict errors."""
    segments: list[tuple[Any, bool]] = [(last, False)]
    while path is not None:
        parent, seg, owner = path
        segments.append((seg, owner is None))
        path = parent
    text = ""
    for seg, is_index in reversed(segments):
        if is_index:
            text += f"[{seg}]"
        else:
            text = f"{text}.{seg}" if text else seg
    return text


def _go_field(path: _Path) -> str:
    names: list[str] = []
    struct = ""
    while path is not None:
        parent, seg, owner = path
        if owner:
            names.append(seg)
            struct = struct or owner
        path = parent
    return f"{struct}.{'.'.join(reversed(names))}"


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "number"


def _number_literal(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


class FatalDecodeError(Exception):
    """An error returned by a custom ``UnmarshalJSON``: decoding stops right there."""


class DecodeState:
    """What one decode has found so far: the first type error and the strict (unknown-field) errors."""

    __slots__ = ("first_error", "seen", "strict", "track_unknown")

    def __init__(self, track_unknown: bool) -> None:
        self.first_error: str | None = None
        self.strict: list[str] = []
        self.seen: set[str] = set()
        self.track_unknown = track_unknown

    def type_error(self, what: str, go_type: str, path: _Path) -> None:
        if self.first_error is None:
            self.first_error = f"json: cannot unmarshal {what} into Go struct field {_go_field(path)} of type {go_type}"

    def unknown(self, path: _Path, key: str) -> None:
        msg = f'unknown field "{_strict_path(path, key)}"'
        if msg not in self.seen and len(self.strict) < 100:
            self.seen.add(msg)
            self.strict.append(msg)


_DROP = object()


def _go_base64_error(text: str) -> int | None:
    """Byte offset Go's ``base64.StdEncoding.Decode`` reports as corrupt, or None if valid."""
    src = text.encode()
    n, si = len(src), 0
    alphabet = _B64_ALPHABET
    while True:
        j = 0
        while j < 4:
            if si == n:
                if j == 0:
                    return None
                return si - j
            ch = src[si]
            si += 1
            if ch in alphabet:
                j += 1
                continue
            if ch in (10, 13):
                continue
            if ch != 61 or j < 2:  # '=' only after two data characters
                return si - 1
            if j == 2:
                while si < n and src[si] in (10, 13):
                    si += 1
                if si == n:
                    return n
                if src[si] != 61:
                    return si - 1
                si += 1
            while si < n and src[si] in (10, 13):
                si += 1
            return si if si < n else None


_B64_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def walk(node: Node, value: Any, path: _Path, st: DecodeState) -> Any:
    """A new value holding what Go would keep of ``value`` decoded as ``node`` (or ``_DROP``)."""
    kind = node.kind
    if kind == STRUCT:
        if type(value) is not dict:
            st.type_error(_json_kind(value), node.go_type, path)
            return _DROP
        fields = node.fields
        out: dict[str, Any] = {}
        struct = node.struct
        for key, item in value.items():
            sub = fields.get(key)
            if sub is None:
                if st.track_unknown:
                    st.unknown(path, key)
                continue
            if item is None:
                continue
            sub_kind = sub.kind
            item_type = type(item)
            if sub_kind == STRING:
                if item_type is str:
                    out[key] = item
                    continue
            elif sub_kind == INT:
                if item_type is int and sub.limits[0] <= item <= sub.limits[1]:
                    out[key] = item
                    continue
            elif sub_kind == BOOL and item_type is bool:
                out[key] = item
                continue
            result = walk(sub, item, (path, key, struct), st)
            if result is _DROP or (not result and sub_kind >= LIST and key not in node.required):
                continue
            out[key] = result
        return out
    if kind == STRING:
        if type(value) is str:
            return value
        st.type_error(_json_kind(value), node.go_type, path)
        return _DROP
    if kind == INT:
        if type(value) is int or (type(value) is float and value.is_integer()):
            number = int(value)
            low, high = node.limits
            if low <= number <= high:
                return number
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            st.type_error("number " + _number_literal(value), node.go_type, path)
        else:
            st.type_error(_json_kind(value), node.go_type, path)
        return _DROP
    if kind == LIST:
        if type(value) is not list:
            st.type_error(_json_kind(value), node.go_type, path)
            return _DROP
        elem = node.elem
        assert elem is not None
        if elem.kind == STRING and all(type(v) is str for v in value):
            return list(value)
        items = []
        for index, item in enumerate(value):
            if item is None:
                items.append(_zero(elem))
                continue
            result = walk(elem, item, (path, index, None), st)
            items.append(_zero(elem) if result is _DROP else result)
        return items
    if kind == MAP:
        if type(value) is not dict:
            st.type_error(_json_kind(value), node.go_type, path)
            return _DROP
        elem = node.elem
        assert elem is not None
        if elem.kind == STRING and all(type(v) is str for v in value.values()):
            return dict(value)
        mapped = {}
        for key, item in value.items():
            if item is None:
                mapped[key] = _zero(elem)
                continue
            result = walk(elem, item, (path, key, ""), st)
            mapped[key] = _zero(elem) if result is _DROP else result
        return mapped
    if kind == BOOL:
        if type(value) is bool:
            return value
        st.type_error(_json_kind(value), node.go_type, path)
        return _DROP
    if kind == QUANTITY:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise FatalDecodeError(ERR_FORMAT_WRONG)
        try:
            return canonical(value)
        except QuantityError as err:
            raise FatalDecodeError(str(err)) from None
    if kind == INTORSTR:
        if type(value) is str:
            return value
        if type(value) is int or (type(value) is float and value.is_integer()):
            number = int(value)
            if -(2**31) <= number < 2**31:
                return number
        what = "number " + _number_literal(value) if type(value) in (int, float) else _json_kind(value)
        raise FatalDecodeError(f"json: cannot unmarshal {what} into Go struct field {_go_field(path)} of type int32")
    if kind == BYTES:
        if type(value) is not str:
            st.type_error(_json_kind(value), node.go_type, path)
            return _DROP
        offset = _go_base64_error(value)
        if offset is not None:
            if st.first_error is None:
                st.first_error = f"illegal base64 data at input byte {offset}"
            return _DROP
        return base64.b64encode(base64.b64decode(value.replace("\n", "").replace("\r", ""))).decode()
    if kind == TIME:
        if type(value) is not str:
            what = _json_kind(value)
            raise FatalDecodeError(
                f"json: cannot unmarshal {what} into Go struct field {_go_field(path)} of type string"
            )
        if not _RFC3339.match(value):
            raise FatalDecodeError(
                f'parsing time "{value}" as "2006-01-02T15:04:05Z07:00": cannot parse "{value}" as "2006"'
            )
        return _utc_time(value, micro=node.go_type == "v1.MicroTime")
    if kind == FLOAT:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        st.type_error(_json_kind(value), node.go_type, path)
        return _DROP
    return _copy_any(value)


def _utc_time(value: str, micro: bool) -> str:
    """``Time.MarshalJSON``: UTC, whole seconds (``MicroTime``: microseconds)."""
    if not micro and len(value) == 20 and value[-1] == "Z":
        return value
    moment = datetime.fromisoformat(value.upper().replace("Z", "+00:00")).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if micro else "%Y-%m-%dT%H:%M:%SZ")


def _zero(node: Node) -> Any:
    return {STRING: "", INT: 0, BOOL: False, FLOAT: 0, STRUCT: {}, INTORSTR: 0}.get(node.kind)


def _copy_any(value: Any) -> Any:
    if type(value) is dict:
        return {k: _copy_any(v) for k, v in value.items()}
    if type(value) is list:
        return [_copy_any(v) for v in value]
    return value
