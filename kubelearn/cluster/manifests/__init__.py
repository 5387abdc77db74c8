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

The package: this module reads the input and composes YAML; ``goyaml`` turns composed nodes
into values by go-yaml's rules, ``jsonstream`` reads JSON input, ``documents`` holds what
both produce and kubectl's client-side checks of each object.
"""

from __future__ import annotations

import operator
import re
from typing import Any

import yaml

from .documents import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_DOCUMENTS,
    MAX_NODES,
    DocError,
    Document,
    GoError,
    ManifestError,
    documents_for,
    list_items,
)
from .goyaml import ANCHOR, MAP_TAG, PLAIN, SEQ_TAG, STR_TAG, Converter, Y, children_of, measure
from .jsonstream import parse_json_stream

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_DOCUMENTS", "MAX_NODES", "Document", "ManifestError", "parse_manifests"]

_BaseLoader: type = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
_SEPARATOR_LINE = re.compile(r"^---([^\n]*)", re.MULTILINE)


def parse_manifests(text: str | bytes, source: str = "STDIN") -> list[Document]:
    """Read every object in ``text``; per-object problems land in ``Document.error``."""
    s = _decode(text, source)
    docs = parse_json_stream(s, source) if s.lstrip(" \t\r\n").startswith("{") else _parse_yaml_stream(s, source)
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
        except DocError as e:
            index += 1
            message = f"error parsing {source}: {e.text}"
            error_line = start + e.line if e.line is not None else line
            docs.append(Document(index, line, None, message, error_line))
            return docs  # kubectl stops reading the stream at a parse error
        if value is None:
            continue  # kubectl skips documents that convert to JSON null
        index += 1
        items = list_items(value)
        item_lines = None if items is None else _yaml_item_lines(node, start, len(items), line)
        docs.extend(documents_for(index, value, line, source, item_lines))
    if bad_separator is not None:
        number, text = bad_separator
        docs.append(Document(index + 1, number, None, f"error parsing {source}: {text}", number))
    return docs


def _load_chunk(chunk: str) -> tuple[Any, Any]:
    """Compose the chunk's first document and convert it; every failure is a ``DocError``."""
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
            measure(node, chunk, MAX_NODES, MAX_DEPTH)
        return Converter().convert(node), node
    except GoError as e:
        raise DocError(prefix + e.text, e.line) from None
    except yaml.MarkedYAMLError as e:
        raise DocError(prefix + _marked_error_text(e, chunk), _mark_line(e)) from None
    except yaml.YAMLError as e:  # ReaderError: control characters and friends
        reason = getattr(e, "reason", str(e)).replace("special characters", "control characters")
        position = getattr(e, "position", None)
        line = chunk.count("\n", 0, position) if isinstance(position, int) else None
        raise DocError(prefix + f"yaml: {reason}", line) from None
    except RecursionError:  # the pure-Python fallback loader on deep nesting
        raise DocError(prefix + f"yaml: exceeded max depth of {MAX_DEPTH}") from None
    except Exception as e:
        raise DocError(prefix + f"yaml: {type(e).__name__}: {e}") from None
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


_SCALAR_NODE = yaml.ScalarNode

if _CParser is not None:

    class _FastComposer(_CParser, yaml.resolver.BaseResolver):  # type: ignore[misc, valid-type]
        """libyaml's parser and composer; plain scalars keep the ``PLAIN`` marker like ``_compose``."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.resolver.BaseResolver.__init__(self)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is _SCALAR_NODE:
                return PLAIN if implicit[0] else STR_TAG
            return SEQ_TAG if kind is yaml.SequenceNode else MAP_TAG

        # No path resolvers are ever registered, so PyYAML's per-node hooks have nothing to
        # do; C builtins that ignore their arguments skip a Python call for every node.
        descend_resolver = staticmethod(operator.is_)
        ascend_resolver = staticmethod(tuple)


def _check_depth(root: Any) -> None:
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise GoError(f"yaml: exceeded max depth of {MAX_DEPTH}", node.start_mark.line)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            stack.extend((child, depth + 1) for child in children_of(node))


def _compose(loader: Any) -> Any:
    """Build the first document's node graph from parser events, iteratively.

    Replaces PyYAML's recursive composer (which overflows the C stack on deep nesting) and
    applies go-yaml's anchor rules: redefining an anchor is allowed, a self-reference is not.
    Plain untagged scalars get the ``PLAIN`` marker tag, resolved later by go-yaml's rules.
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
            raise GoError(f"yaml: document contains too many nodes (limit is {MAX_NODES})", event.start_mark.line)
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise GoError(f"yaml: unknown anchor '{event.anchor}' referenced", event.start_mark.line)
            node = anchors[event.anchor]
            if any(entry[0] is node for entry in stack):
                raise GoError(f"yaml: anchor '{event.anchor}' value contains itself", event.start_mark.line)
        elif isinstance(event, yaml.ScalarEvent):
            tag = event.tag if event.tag not in (None, "!") else (PLAIN if event.implicit[0] else STR_TAG)
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        else:  # SequenceStartEvent / MappingStartEvent
            if len(stack) >= MAX_DEPTH:
                raise GoError(f"yaml: exceeded max depth of {MAX_DEPTH}", event.start_mark.line)
            is_seq = isinstance(event, yaml.SequenceStartEvent)
            cls, default = (yaml.SequenceNode, Y + "seq") if is_seq else (yaml.MappingNode, Y + "map")
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
        match = ANCHOR.match(chunk, pm.index) if pm is not None else None
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


def _yaml_item_lines(node: Any, start: int, count: int, line: int) -> list[int]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "items" and isinstance(value, yaml.SequenceNode) and len(value.value) == count:
                return [start + item.start_mark.line for item in value.value]
    return [line] * count
