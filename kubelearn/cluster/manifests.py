"""Turn manifest text into Kubernetes-shaped dicts, the way ``kubectl apply -f`` reads a file.

Mirrors kubectl 1.32's path from file to JSON: apimachinery's ``YAMLOrJSONDecoder`` (a stream is
JSON when it starts with ``{``, otherwise it is split into documents on ``---`` lines by
``YAMLReader``, each chunk converted on its own so error line numbers count from the chunk),
``sigs.k8s.io/yaml.YAMLToJSON`` over go-yaml v2 (YAML 1.1 scalars: ``y``/``n``/``on``/``off`` are
booleans, ``1e3`` is a number, timestamps stay strings, non-string keys become strings), kubectl's
client-side ``kind not set`` / ``apiVersion not set`` checks and ``List`` expansion. Error texts are
kubectl's, measured against kubectl v1.32.4; libyaml (via ``yaml.CSafeLoader``) is the C library
go-yaml was ported from, so its problem texts and marks match go-yaml's.

Hardened beyond kubectl: input is capped (3 MiB like kube-apiserver, 100 documents) and strictly
UTF-8; aliases may not expand past ``MAX_NODES`` nodes, nesting may not exceed ``MAX_DEPTH``;
duplicate keys are reported like strict decoding (kubectl silently keeps the last one), and tags
go-yaml would ignore (``!!python/...``, ``!Ref``) are rejected. This is the only module in
``kubelearn.cluster`` that imports PyYAML.
"""

from __future__ import annotations

import base64
import binascii
import json
import json.scanner
import math
import operator
import re
import struct
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import yaml

MAX_BYTES = 3 * 1024 * 1024
MAX_DOCUMENTS = 100
MAX_DEPTH = 64
MAX_NODES = 50_000

_BaseLoader: type = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
_VALIDATE_HINT = "; if you choose to ignore these errors, turn validation off with --validate=false"
_SEPARATOR_LINE = re.compile(r"^---([^\n]*)", re.MULTILINE)


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


class _DocError(Exception):
    """A per-document problem: ``text`` is the kubectl message, ``line`` 0-based in the chunk."""

    def __init__(self, text: str, line: int | None = None) -> None:
        super().__init__(text)
        self.text = text
        self.line = line


def parse_manifests(text: str | bytes, source: str = "STDIN") -> list[Document]:
    """Read every object in ``text``; per-object problems land in ``Document.error``."""
    s = _decode(text, source)
    docs = _parse_json_stream(s, source) if s.lstrip(" \t\r\n").startswith("{") else _parse_yaml_stream(s, source)
    if len(docs) > MAX_DOCUMENTS:
        raise ManifestError(f"error parsing {source}: too many objects: {len(docs)} (limit is {MAX_DOCUMENTS})")
    return docs


# --- whole-input bounds -------------------------------------------------------------------


def _decode(text: str | bytes, source: str) -> str:
    too_large = f"Request entity too large: limit is {MAX_BYTES}"
    if isinstance(text, str):
        if len(text) > MAX_BYTES:
            raise ManifestError(too_large)
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as e:
            raise ManifestError(f"error parsing {source}: invalid character at {e.start}") from None
    elif isinstance(text, (bytes, bytearray, memoryview)):
        data = bytes(text)
    else:
        raise ManifestError(f"error parsing {source}: expected text, got {type(text).__name__}")
    if len(data) > MAX_BYTES:
        raise ManifestError(too_large)
    try:
        s = data.decode("utf-8")
    except UnicodeDecodeError as e:
        reason = {
            "invalid start byte": "invalid leading UTF-8 octet",
            "invalid continuation byte": "invalid trailing UTF-8 octet",
            "unexpected end of data": "incomplete UTF-8 octet sequence",
        }.get(e.reason, e.reason)
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise ManifestError(
            f"error parsing {source}: yaml: {reason} at byte {e.start} (line {line}, column {column})"
        ) from None
    return s[1:] if s.startswith("\ufeff") else s


# --- YAML -----------------------------------------------------------------------------------


def _split_documents(s: str) -> tuple[list[tuple[int, str]], tuple[int, str] | None]:
    """Split like apimachinery's YAMLReader: ``(first line, chunk)`` pairs + a separator error.

    A ``---`` line ends a non-empty chunk and is dropped; when the chunk is still empty the
    separator line is kept in it, which is why kubectl's line numbers sometimes count it.
    """
    chunks: list[tuple[int, str]] = []
    chunk_start, chunk_line, line, pos = 0, 1, 1, 0
    for match in _SEPARATOR_LINE.finditer(s):
        line += s.count("\n", pos, match.start())
        pos = match.start()
        rest = match.group(1).strip()
        if rest and not rest.startswith("#"):
            if pos > chunk_start:
                chunks.append((chunk_line, s[chunk_start:pos]))
            return chunks, (line, f"invalid Yaml document separator: {rest}")
        if pos > chunk_start:  # a non-empty chunk ends here; the separator line is dropped
            chunks.append((chunk_line, s[chunk_start:pos]))
            chunk_start, chunk_line = match.end(), line + 1
            if s.startswith("\n", chunk_start) or s.startswith("\r\n", chunk_start):
                chunk_start = s.index("\n", chunk_start) + 1
            else:
                chunk_line = line  # separator was the last line, without a newline
    if chunk_start < len(s):
        chunks.append((chunk_line, s[chunk_start:]))
    return chunks, None


def _has_content(chunk: str) -> bool:
    for line in chunk.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not line.startswith("---"):
            return True
    return False


def _first_content_line(start: int, chunk: str) -> int:
    for offset, line in enumerate(chunk.splitlines()):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not line.startswith("---"):
            return start + offset
    return start


def _parse_yaml_stream(s: str, source: str) -> list[Document]:
    chunks, bad_separator = _split_documents(s)
    chunks = [(start, chunk) for start, chunk in chunks if _has_content(chunk)]
    if len(chunks) > MAX_DOCUMENTS:
        raise ManifestError(f"error parsing {source}: too many documents: {len(chunks)} (limit is {MAX_DOCUMENTS})")
    docs: list[Document] = []
    index = 0
    for start, chunk in chunks:
        line = _first_content_line(start, chunk)
        try:
            value, node = _load_chunk(chunk)
        except _DocError as e:
            index += 1
            message = f"error parsing {source}: {e.text}"
            error_line = start + e.line if e.line is not None else line
            docs.append(Document(index, line, None, message, error_line))
            return docs  # kubectl stops reading the stream at a parse error
        if value is None:
            continue  # kubectl skips documents that convert to JSON null
        index += 1
        docs.extend(_documents_for(index, value, line, source, node=node, start=start))
    if bad_separator is not None:
        number, text = bad_separator
        docs.append(Document(index + 1, number, None, f"error parsing {source}: {text}", number))
    return docs


def _load_chunk(chunk: str) -> tuple[Any, Any]:
    """Compose the chunk's first document and convert it; every failure is a ``_DocError``."""
    prefix = "error converting YAML to JSON: "
    loader = None
    try:
        if _fast_path_ok(chunk):
            loader = _FastComposer(chunk)
            node = loader.get_single_node()
            if node is None:
                return None, None
            if chunk.count("\n") + chunk.count("[") + chunk.count("{") >= MAX_DEPTH:
                _check_depth(node)  # a short document cannot nest deeper than its lines and brackets
        else:
            loader = _BaseLoader(chunk)
            node = _compose(loader)
            if node is None:
                return None, None
            _measure(node, chunk, MAX_NODES, MAX_DEPTH)
        return _Converter().convert(node), node
    except _GoError as e:
        raise _DocError(prefix + e.text, e.line) from None
    except yaml.MarkedYAMLError as e:
        raise _DocError(prefix + _marked_error_text(e, chunk), _mark_line(e)) from None
    except yaml.YAMLError as e:  # ReaderError: control characters and friends
        reason = getattr(e, "reason", str(e)).replace("special characters", "control characters")
        position = getattr(e, "position", None)
        line = chunk.count("\n", 0, position) if isinstance(position, int) else None
        raise _DocError(prefix + f"yaml: {reason}", line) from None
    except RecursionError:  # the pure-Python fallback loader on deep nesting
        raise _DocError(prefix + f"yaml: exceeded max depth of {MAX_DEPTH}") from None
    except Exception as e:
        raise _DocError(prefix + f"yaml: {type(e).__name__}: {e}") from None
    finally:
        if loader is not None:
            loader.dispose()


# --- fast path ---------------------------------------------------------------------------
# A typical manifest has no anchors or aliases and is small: libyaml's C composer builds its
# node graph far faster than the event loop below. Without ``&``/``*`` there can be no alias
# bomb; under 64 KiB there cannot be more than MAX_NODES nodes (each takes two characters);
# depth is checked on the composed graph before the (recursive) converter runs.
_FAST_PATH_BYTES = 64 * 1024
_CParser = getattr(getattr(yaml, "cyaml", None), "CParser", None)


def _fast_path_ok(chunk: str) -> bool:
    return (
        _CParser is not None
        and len(chunk) <= _FAST_PATH_BYTES
        and "&" not in chunk
        and "*" not in chunk
        and chunk.count("[") + chunk.count("{") <= MAX_DEPTH
    )


if _CParser is not None:

    class _FastComposer(_CParser, yaml.resolver.BaseResolver):  # type: ignore[misc, valid-type]
        """libyaml's parser and composer; plain scalars keep the ``_PLAIN`` marker like ``_compose``."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.resolver.BaseResolver.__init__(self)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is _SCALAR_NODE:
                return _PLAIN if implicit[0] else _STR_TAG
            return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG

        # No path resolvers are ever registered, so PyYAML's per-node hooks have nothing to
        # do; C builtins that ignore their arguments skip a Python call for every node.
        descend_resolver = staticmethod(operator.is_)
        ascend_resolver = staticmethod(tuple)


def _check_depth(root: Any) -> None:
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _GoError(f"yaml: exceeded max depth of {MAX_DEPTH}", node.start_mark.line)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            stack.extend((child, depth + 1) for child in _children(node))


def _compose(loader: Any) -> Any:
    """Build the first document's node graph from parser events, iteratively.

    Replaces PyYAML's recursive composer (which overflows the C stack on deep nesting) and
    applies go-yaml's anchor rules: redefining an anchor is allowed, a self-reference is not.
    Plain untagged scalars get the ``_PLAIN`` marker tag, resolved later by go-yaml's rules.
    """
    loader.get_event()  # StreamStart
    if loader.check_event(yaml.StreamEndEvent):
        return None
    loader.get_event()  # DocumentStart
    anchors: dict[str, Any] = {}
    stack: list[list[Any]] = []  # [collection node, pending mapping key]
    count = 0
    while True:
        event = loader.get_event()
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            node = stack.pop()[0]
            node.end_mark = event.end_mark
            if not stack:
                return node
            continue
        count += 1
        if count > MAX_NODES:
            raise _GoError(f"yaml: document contains too many nodes (limit is {MAX_NODES})", event.start_mark.line)
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise _GoError(f"yaml: unknown anchor '{event.anchor}' referenced", event.start_mark.line)
            node = anchors[event.anchor]
            if any(entry[0] is node for entry in stack):
                raise _GoError(f"yaml: anchor '{event.anchor}' value contains itself", event.start_mark.line)
        elif isinstance(event, yaml.ScalarEvent):
            tag = event.tag if event.tag not in (None, "!") else (_PLAIN if event.implicit[0] else _STR_TAG)
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        else:  # SequenceStartEvent / MappingStartEvent
            if len(stack) >= MAX_DEPTH:
                raise _GoError(f"yaml: exceeded max depth of {MAX_DEPTH}", event.start_mark.line)
            is_seq = isinstance(event, yaml.SequenceStartEvent)
            cls, default = (yaml.SequenceNode, _Y + "seq") if is_seq else (yaml.MappingNode, _Y + "map")
            tag = event.tag if event.tag not in (None, "!") else default
            node = cls(tag, [], event.start_mark, None, flow_style=event.flow_style)
        if getattr(event, "anchor", None) and not isinstance(event, yaml.AliasEvent):
            anchors[event.anchor] = node
        if stack:
            parent = stack[-1]
            if isinstance(parent[0], yaml.SequenceNode):
                parent[0].value.append(node)
            elif parent[1] is None:
                parent[1] = node
            else:
                parent[0].value.append((parent[1], node))
                parent[1] = None
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append([node, None])
        elif not stack:
            return node


def _mark_line(e: yaml.MarkedYAMLError) -> int | None:
    mark = e.problem_mark or e.context_mark
    return mark.line if mark is not None else None


# --- go-yaml v2 semantics ---------------------------------------------------------------

_PLAIN = "!kubelearn/plain"  # marker tag for untagged plain scalars, resolved by go-yaml's rules
_Y = "tag:yaml.org,2002:"
_STR_TAG = _Y + "str"
_SEQ_TAG = _Y + "seq"
_MAP_TAG = _Y + "map"
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
_ANCHOR = re.compile(r"[&*]([^\s\[\]{},]+)")
_TYPED = {"int": (int,), "float": (int, float), "bool": (bool,), "null": (type(None),)}


class _GoError(_DocError):
    """A conversion problem worded like go-yaml / sigs.k8s.io/yaml."""


def _resolve_plain(value: str) -> Any:
    """go-yaml v2 ``resolve()`` for an untagged plain scalar decoded into ``interface{}``.

    Short texts are memoised: a pure function returning immutable values, and manifests
    repeat the same keys and small values (``apiVersion``, ``name``, ``80``) over and over."""
    return _resolve_short(value) if len(value) <= 64 else _resolve_text(value)


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
        raise _GoError(f"json: unsupported value: {text}", line)
    if number.is_integer() and abs(number) < 2**63:
        return int(number)
    return number


def _measure(root: Any, chunk: str, max_nodes: int, max_depth: int) -> None:
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
        children = _children(node)
        if finished:
            size = 1 + sum(memo[id(c)][0] for c in children)
            height = 1 + max((memo[id(c)][1] for c in children), default=0)
            memo[key] = (size, height)
            on_path.discard(key)
            if height > max_depth:
                raise _GoError(f"yaml: exceeded max depth of {max_depth}", node.start_mark.line)
            if size > max_nodes or len(memo) > max_nodes:
                if aliased:
                    raise _GoError("yaml: document contains excessive aliasing")
                raise _GoError(f"yaml: document contains too many nodes (limit is {max_nodes})")
            continue
        if key in memo:
            aliased = True
            continue
        if key in on_path:
            match = _ANCHOR.match(chunk, node.start_mark.index)
            name = f" '{match.group(1)}'" if match else ""
            raise _GoError(f"yaml: anchor{name} value contains itself", node.start_mark.line)
        on_path.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in memo:
                aliased = True
            else:
                stack.append((child, False))


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


_SCALAR_NODE = yaml.ScalarNode


class _Converter:
    """Node graph -> JSON values, as ``yaml.Unmarshal`` + ``convertToJSONableObject`` would."""

    def __init__(self) -> None:
        self.duplicates: list[tuple[int, str]] = []

    def convert(self, node: Any) -> Any:
        value = self._value(node)
        if self.duplicates:
            lines = "\n".join(f"  line {n + 1}: key {k} already set in map" for n, k in self.duplicates)
            raise _GoError(f"yaml: unmarshal errors:\n{lines}", self.duplicates[0][0])
        return value

    def _value(self, node: Any) -> Any:
        if isinstance(node, yaml.ScalarNode):
            tag = node.tag
            if tag == _STR_TAG:
                return node.value
            value = _resolve_plain(node.value) if tag == _PLAIN else self._scalar(node)
            return _json_number(value, node.start_mark.line) if isinstance(value, float) else value
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, _Y + "seq")
            return [self._value(child) for child in node.value]
        self._check_tag(node, _Y + "map")
        return self._mapping(node)

    def _check_tag(self, node: Any, expected: str) -> None:
        if node.tag != expected:
            raise _GoError(
                f"yaml: line {node.start_mark.line + 1}: could not determine a constructor for the tag '{node.tag}'",
                node.start_mark.line,
            )

    def _scalar(self, node: Any) -> Any:
        tag, text = node.tag, node.value
        if tag == _PLAIN:
            return _resolve_plain(text)
        if tag in (_STR_TAG, _Y + "timestamp"):
            return text
        short = tag[len(_Y) :] if tag.startswith(_Y) else ""
        if short in _TYPED:
            value = _resolve_plain(text) if text else None
            if isinstance(value, _TYPED[short]) and not (short != "bool" and value is True):
                return value
            raise _GoError(
                f"yaml: line {node.start_mark.line + 1}: cannot decode !!str `{text}` as a !!{short}",
                node.start_mark.line,
            )
        if short == "binary":
            try:
                return base64.b64decode(text, validate=False).decode("utf-8", errors="replace")
            except binascii.Error:
                pass
        self._check_tag(node, _STR_TAG)
        return text

    def _mapping(self, node: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is _SCALAR_NODE and key_node.tag == _PLAIN and key_node.value != "<<":
                key = _resolve_plain(key_node.value)  # the usual key: a plain string
                shown = None
                if key.__class__ is not str:
                    key, shown = self._key(key_node, value_node)
            elif isinstance(key_node, yaml.ScalarNode) and (
                (key_node.tag == _PLAIN and key_node.value == "<<") or key_node.tag == _Y + "merge"
            ):
                for source in self._merge_sources(value_node):
                    for k, v in self._mapping(source).items():
                        merged.setdefault(k, v)
                continue
            else:
                key, shown = self._key(key_node, value_node)
            if value_node.__class__ is _SCALAR_NODE and value_node.tag == _PLAIN:  # inline the usual value
                value = _resolve_plain(value_node.value)
                if value.__class__ is float:
                    value = _json_number(value, value_node.start_mark.line)
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
        if isinstance(node, yaml.MappingNode):
            return [node]
        if isinstance(node, yaml.SequenceNode) and all(isinstance(child, yaml.MappingNode) for child in node.value):
            return list(node.value)
        raise _GoError("yaml: map merge requires map or sequence of maps as the value", node.start_mark.line)

    def _key(self, key_node: Any, value_node: Any) -> tuple[str, str | None]:
        """Stringify a key like sigs.k8s.io/yaml; returns (key, Go %#v for messages, None for strings)."""
        if not isinstance(key_node, yaml.ScalarNode):
            raise _GoError(f"yaml: invalid map key: {_go_repr(self._value(key_node))}")
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
        raise _GoError(
            f"unsupported map key of type: %!s(<nil>), key: <nil>, value: {value}",
            key_node.start_mark.line,
        )


_PURE_PYTHON_PROBLEMS = [  # the SafeLoader fallback words a few problems differently from libyaml
    (re.compile(r"mapping values are not allowed here"), "mapping values are not allowed in this context"),
    (re.compile(r"found character .* that cannot start any token"), "found character that cannot start any token"),
    (re.compile(r"expected ',' or '(.)', but got .*"), r"did not find expected ',' or '\1'"),
    (re.compile(r"special characters are not allowed"), "control characters are not allowed"),
]


def _marked_error_text(e: yaml.MarkedYAMLError, chunk: str) -> str:
    """go-yaml's ``yaml: line N: problem``; go-yaml's own off-by-one for parser errors included."""
    problem = e.problem or e.context or "unknown error"
    pm, cm = e.problem_mark, e.context_mark
    if isinstance(e, yaml.composer.ComposerError):
        match = _ANCHOR.match(chunk, pm.index) if pm is not None else None
        name = match.group(1) if match else ""
        if "undefined alias" in problem:
            return f"yaml: unknown anchor '{name}' referenced"
        if "duplicate anchor" in (e.context or ""):
            problem = f"found duplicate anchor '{name}'"
    if e.problem == "expected <block end>, but found '<block mapping start>'" or (
        e.context == "while parsing a block mapping" and problem.startswith("expected <block end>")
    ):
        problem = "did not find expected key"
    elif e.context == "while parsing a block collection" and problem.startswith("expected"):
        problem = "did not find expected '-' indicator"
    for pattern, replacement in _PURE_PYTHON_PROBLEMS:
        problem = pattern.sub(replacement, problem)
    line = None
    if pm is not None and pm.line != 0:
        line = pm.line + (1 if isinstance(e, yaml.scanner.ScannerError) else 0)
    elif cm is not None and cm.line != 0:
        line = cm.line
    return f"yaml: line {line}: {problem}" if line is not None else f"yaml: {problem}"


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


# --- objects ------------------------------------------------------------------------------


def _documents_for(
    index: int,
    value: Any,
    line: int,
    source: str,
    *,
    node: Any = None,
    start: int = 1,
    item_lines: list[int] | None = None,
) -> list[Document]:
    """Validate one decoded document and expand ``List`` kinds into their items."""
    items = value.get("items") if isinstance(value, dict) else None
    kind = value.get("kind") if isinstance(value, dict) else None
    if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
        if item_lines is None or len(item_lines) != len(items):
            item_lines = _yaml_item_lines(node, start, len(items), line)
        return [_checked(index, item, item_line, source) for item, item_line in zip(items, item_lines, strict=True)]
    return [_checked(index, value, line, source)]


def _yaml_item_lines(node: Any, start: int, count: int, line: int) -> list[int]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "items" and isinstance(value, yaml.SequenceNode) and len(value.value) == count:
                return [start + item.start_mark.line for item in value.value]
    return [line] * count


def _checked(index: int, obj: Any, line: int, source: str) -> Document:
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


# --- JSON -----------------------------------------------------------------------------------


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


def _parse_json_stream(s: str, source: str) -> list[Document]:
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
        except (ValueError, RecursionError, _GoError) as e:
            text = e.text if isinstance(e, _GoError) else _json_value_error(e)
            docs.append(Document(index, line, None, f"error parsing {source}: {text}", line))
            return docs
        duplicate = _first_duplicate(value, "")
        if duplicate is not None:
            message = _strict_duplicate_message(value, duplicate)
            docs.append(Document(index, line, None, message, line))
        else:
            item_lines = _json_item_lines(s, pos, scan) if isinstance(value, dict) and "items" in value else None
            docs.extend(_documents_for(index, _plain(value), line, source, item_lines=item_lines))
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
            raise _GoError(f"json: exceeded max depth of {MAX_DEPTH}")
        if count > MAX_NODES:
            raise _GoError(f"json: too many values (limit is {MAX_NODES})")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise _GoError("json: cannot unmarshal number into Go value of type float64")


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
