"""Decoding ``application/vnd.kubernetes.protobuf`` request bodies into Kubernetes JSON dicts.

Mirrors apimachinery's protobuf serializer (``runtime/serializer/protobuf``): a body is the
magic ``k8s\\x00`` followed by a ``runtime.Unknown`` message whose ``typeMeta`` names the
apiVersion/kind and whose ``raw`` holds the go-to-protobuf encoding of the typed object.
kubectl 1.32+ sends these for every ``kubectl create <generator>`` (deployment, configmap,
secret, namespace, service, serviceaccount, job), for ``auth can-i`` and, through typed
clients, for ``drain`` (Eviction, DeleteOptions).

Simplified: a small hand-written wire decoder over a table of the message fields those
clients set (``protobuf_schema.py``, field numbers from k8s.io/api's generated.proto).
Fields missing from the table are skipped. gogo-protobuf writes every non-pointer field even
when empty, so zero scalars (``""``, ``0``, ``false``) are dropped unless the field is a
pointer whose zero means something (``replicas: 0``), and an unset ``metav1.Time`` vanishes.
"""

from __future__ import annotations

import base64
import struct
from datetime import UTC, datetime
from typing import Any

from kubelearn.cluster.errors import StatusError, new_bad_request

from .protobuf_schema import Field, message, top_level

MAGIC = b"k8s\x00"
CONTENT_TYPE = "application/vnd.kubernetes.protobuf"
MAX_DEPTH = 64


class WireError(ValueError):
    """The bytes are not a well-formed protobuf message."""


def unsupported_media_type(content_type: str) -> StatusError:
    return StatusError(
        415,
        "UnsupportedMediaType",
        f"the body of the request was in an unknown format - accepted media types include: "
        f"application/json, application/yaml, {CONTENT_TYPE}" + (f" (got {content_type})" if content_type else ""),
    )


def decode_body(data: bytes) -> dict[str, Any]:
    """The typed object in a protobuf request body, as a JSON-shaped dict with apiVersion/kind."""
    if not data.startswith(MAGIC):
        raise new_bad_request("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]")
    try:
        envelope = _fields(data[len(MAGIC) :])
        type_meta = _fields(_last(envelope, 1, b""))
        api_version = _last(type_meta, 1, b"").decode()
        kind = _last(type_meta, 2, b"").decode()
        raw = _last(envelope, 2, b"")
        encoding = _last(envelope, 3, b"").decode()
    except (WireError, UnicodeDecodeError) as exc:
        raise new_bad_request(f"unable to decode protobuf envelope: {exc}") from exc
    if encoding:
        raise unsupported_media_type(f"{CONTENT_TYPE} with contentEncoding {encoding}")
    name = top_level(api_version, kind)
    if name is None:
        raise unsupported_media_type(f"{CONTENT_TYPE} for {api_version}/{kind}")
    try:
        obj = _message(raw, name, 0)
    except (WireError, UnicodeDecodeError, struct.error) as exc:
        raise new_bad_request(f'{kind} in version "{api_version}" cannot be handled as a {kind}: {exc}') from exc
    return {"apiVersion": api_version, "kind": kind, **obj}


# -- the wire format ------------------------------------------------------------------------


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result, shift = 0, 0
    while True:
        if pos >= len(data):
            raise WireError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise WireError("varint too long")


def _fields(data: bytes) -> list[tuple[int, int, Any]]:
    """(field number, wire type, value) for each field: ints for varints, bytes otherwise."""
    out: list[tuple[int, int, Any]] = []
    pos = 0
    while pos < len(data):
        tag, pos = _varint(data, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(data, pos)
            if pos + length > len(data):
                raise WireError("truncated length-delimited field")
            value, pos = data[pos : pos + length], pos + length
        elif wire == 5:
            value, pos = data[pos : pos + 4], pos + 4
        else:
            raise WireError(f"unsupported wire type {wire}")
        if pos > len(data):
            raise WireError("truncated fixed-size field")
        out.append((number, wire, value))
    return out


def _last(fields: list[tuple[int, int, Any]], number: int, default: Any) -> Any:
    found = default
    for num, _wire, value in fields:
        if num == number:
            found = value
    return found


def _signed(value: int) -> int:
    """int32/int64 varints carry negatives as 64-bit two's complement."""
    return value - (1 << 64) if value >= 1 << 63 else value


# -- typed messages ---------------------------------------------------------------------------


def _message(data: bytes, name: str, depth: int) -> dict[str, Any]:
    if depth > MAX_DEPTH:
        raise WireError("message nested too deeply")
    schema = message(name)
    obj: dict[str, Any] = {}
    for number, wire, value in _fields(data):
        field = schema.get(number)
        if field is None:
            continue  # not in our table: a field no supported client sets
        if field.repeated:
            items = _scalars(field, wire, value) if wire == 2 and field.type in ("int", "bool") else None
            if items is None:
                items = [_value(field, wire, value, depth)]
            obj.setdefault(field.name, []).extend(items)
        elif field.type in ("map", "bmap", "qmap"):
            key, item = _map_entry(field, value, depth)
            obj.setdefault(field.name, {})[key] = item
        elif field.inline:
            obj.update(_message(value, field.type, depth + 1))
        else:
            obj[field.name] = _value(field, wire, value, depth)
    return {k: v for k, v in obj.items() if v is not _DROP and (k not in _omit_zero(schema) or v not in ("", 0))}


_DROP = object()


def _omit_zero(schema: dict[int, Field]) -> set[str]:
    """Non-pointer scalar fields: their zero value is what gogo writes for "unset"."""
    return {f.name for f in schema.values() if not f.pointer and f.type in ("string", "int", "bool")}


def _scalars(field: Field, wire: int, value: bytes) -> list[Any]:
    out, pos = [], 0
    while pos < len(value):
        number, pos = _varint(value, pos)
        out.append(bool(number) if field.type == "bool" else _signed(number))
    return out


def _value(field: Field, wire: int, value: Any, depth: int) -> Any:
    kind = field.type
    if kind == "string":
        return value.decode()
    if kind == "int":
        return _signed(value) if wire == 0 else _DROP
    if kind == "bool":
        return bool(value)
    if kind == "bytes":
        return base64.b64encode(value).decode()
    if kind == "Time":
        return _time(value)
    if kind == "Quantity":
        return _last(_fields(value), 1, b"").decode()
    if kind == "IntOrString":
        parts = _fields(value)
        if _last(parts, 1, 0) == 1:
            return _last(parts, 3, b"").decode()
        return _signed(_last(parts, 2, 0))
    if kind == "RawJSON":
        import json

        raw = _last(_fields(value), 1, b"")
        return json.loads(raw) if raw else _DROP
    return _message(value, kind, depth + 1)


def _map_entry(field: Field, value: bytes, depth: int) -> tuple[str, Any]:
    parts = _fields(value)
    key = _last(parts, 1, b"").decode()
    raw = _last(parts, 2, b"")
    if field.type == "bmap":
        return key, base64.b64encode(raw).decode()
    if field.type == "qmap":
        return key, _last(_fields(raw), 1, b"").decode()
    return key, raw.decode()


def _time(value: bytes) -> Any:
    parts = _fields(value)
    seconds = _signed(_last(parts, 1, 0))
    if seconds == 0:
        return _DROP
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
