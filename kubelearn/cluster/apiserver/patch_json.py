"""JSON merge patch (RFC 7386) and JSON patch (RFC 6902) as the API server applies them.

Mirrors ``gopkg.in/evanphx/json-patch.v4`` (v4.12), which kube-apiserver 1.32 uses for
``application/merge-patch+json`` and ``application/json-patch+json``, including its error
texts and its quirks:

* ``replace`` on a missing *object* key adds it (a v4 bug upstream keeps for compatibility);
  on a missing *array* index it fails.
* a JSON ``null`` on the way to a path counts as missing; negative array indices count from
  the end.
* ``test`` compares JSON values strictly (``1`` is not ``true``).

The API server answers a failing JSON patch with ``422 Invalid`` whose message is
``the server rejected our request due to an error in our request`` and whose single cause is
the library's text; :meth:`PatchError.status_error` builds exactly that.

Simplified: values are Python JSON values (dict/list/str/int/float/bool/None), never bytes;
the copy-size limit and the 10,000-operation limit are not enforced.
"""

from __future__ import annotations

import re
from typing import Any

from kubelearn.cluster.errors import StatusError, new_bad_request

from ..objects import clone

_MISSING = "missing value"
_INVALID_INDEX = "invalid index referenced"
_TEST_FAILED = "test failed"
_INT = re.compile(r"[+-]?[0-9]+")


class PatchError(ValueError):
    """A patch that cannot be applied; ``code`` is the HTTP status the API server answers."""

    def __init__(self, message: str, code: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def status_error(self) -> StatusError:
        """The ``metav1.Status`` error kube-apiserver returns for this failure."""
        if self.code == 400:
            return new_bad_request(self.message)
        if self.code == 415:
            return StatusError(415, "UnsupportedMediaType", self.message)
        if self.code == 422:
            # errors.NewGenericServerResponse(422, ...): a fixed message, the detail as a cause.
            return StatusError(
                422,
                "Invalid",
                "the server rejected our request due to an error in our request",
                {"causes": [{"message": self.message}]},
            )
        return StatusError(
            500,
            "InternalError",
            f"Internal error occurred: {self.message}",
            {"causes": [{"message": self.message}]},
        )


def json_equal(a: Any, b: Any) -> bool:
    """Structural JSON equality that, unlike ``==``, keeps ``true`` apart from ``1``."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return type(a) is type(b) and a == b
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, str) or isinstance(b, str):
        return type(a) is type(b) and a == b
    return bool(a == b)


# --- RFC 7386 ---------------------------------------------------------------------------


def json_merge_patch(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Apply an ``application/merge-patch+json`` body; returns a new dict.

    Objects merge recursively, ``null`` deletes, anything else (lists included) replaces.
    """
    if not isinstance(patch, dict):
        raise PatchError("Invalid JSON Patch", 400)
    if not isinstance(target, dict):
        raise PatchError("Invalid JSON Document", 400)
    result = clone(target)
    _merge_docs(result, clone(patch))
    return result


def _merge_docs(doc: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if value is None:
            doc.pop(key, None)
        elif doc.get(key) is None:
            doc[key] = _prune_nulls(value)
        elif isinstance(doc[key], dict) and isinstance(value, dict):
            _merge_docs(doc[key], value)
        elif isinstance(doc[key], dict):
            doc[key] = value
        else:
            doc[key] = _prune_nulls(value)


def _prune_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _prune_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_prune_nulls(v) for v in value]
    return value


# --- RFC 6902 ---------------------------------------------------------------------------


def json_patch(target: dict[str, Any], operations: list[Any]) -> dict[str, Any]:
    """Apply an ``application/json-patch+json`` body (a list of operations); returns a new doc."""
    if not isinstance(operations, list):
        raise PatchError("json: cannot unmarshal object into Go value of type jsonpatch.Patch", 400)
    doc: Any = clone(target)
    for op in operations:
        if not isinstance(op, dict):
            raise PatchError("json: cannot unmarshal into Go value of type jsonpatch.Operation", 400)
        kind = op.get("op")
        if kind == "add":
            _add(doc, op)
        elif kind == "remove":
            _remove(doc, op)
        elif kind == "replace":
            doc = _replace(doc, op)
        elif kind == "move":
            _move(doc, op)
        elif kind == "test":
            _test(doc, op)
        elif kind == "copy":
            _copy(doc, op)
        else:
            raise PatchError(f"Unexpected kind: {kind if isinstance(kind, str) else 'unknown'}")
    return doc  # type: ignore[no-any-return]


def decode_pointer_token(token: str) -> str:
    """RFC 6901: ``~1`` -> ``/`` first, then ``~0`` -> ``~``."""
    return token.replace("~1", "/").replace("~0", "~")


def _path(op: dict[str, Any], field: str = "path") -> str | None:
    value = op.get(field)
    return value if isinstance(value, str) else None


def _find_container(doc: Any, path: str) -> tuple[Any, str] | None:
    """The container holding the last token of ``path`` and that (decoded) token."""
    parts = path.split("/")
    if len(parts) < 2:
        return None
    node = doc
    for part in parts[1:-1]:
        try:
            node = _get(node, decode_pointer_token(part))
        except PatchError:
            return None
        if not isinstance(node, (dict, list)):
            return None
    return node, decode_pointer_token(parts[-1])


def _atoi(key: str) -> int:
    if not _INT.fullmatch(key):
        raise PatchError(f'strconv.Atoi: parsing "{key}": invalid syntax')
    return int(key)


def _index(ary: list[Any], key: str, size: int) -> int:
    idx = _atoi(key)
    if idx >= size or idx < -size:
        raise PatchError(f"Unable to access invalid index: {idx}: {_INVALID_INDEX}")
    return idx + size if idx < 0 else idx


def _get(container: Any, key: str) -> Any:
    if isinstance(container, dict):
        return container.get(key)
    return container[_index(container, key, len(container))]


def _add_into(container: Any, key: str, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
        return
    if key == "-":
        container.append(value)
        return
    try:
        idx = _index(container, key, len(container) + 1)
    except PatchError as err:
        if err.message.startswith("strconv"):
            raise PatchError(f"value was not a proper array index: '{key}': {err.message}") from None
        raise
    container.insert(idx, value)


def _remove_from(container: Any, key: str) -> None:
    if isinstance(container, dict):
        if key not in container:
            raise PatchError(f"Unable to remove nonexistent key: {key}: {_MISSING}")
        del container[key]
        return
    del container[_index(container, key, len(container))]


def _add(doc: Any, op: dict[str, Any]) -> None:
    path = _path(op)
    if path is None:
        raise PatchError(f"add operation failed to decode path: {_MISSING}")
    found = _find_container(doc, path)
    if found is None:
        raise PatchError(f'add operation does not apply: doc is missing path: "{path}": {_MISSING}')
    try:
        _add_into(*found, clone(op.get("value")))
    except PatchError as err:
        raise PatchError(f"error in add for path: '{path}': {err.message}") from None


def _remove(doc: Any, op: dict[str, Any]) -> None:
    path = _path(op)
    if path is None:
        raise PatchError(f"remove operation failed to decode path: {_MISSING}")
    found = _find_container(doc, path)
    if found is None:
        raise PatchError(f'remove operation does not apply: doc is missing path: "{path}": {_MISSING}')
    try:
        _remove_from(*found)
    except PatchError as err:
        raise PatchError(f"error in remove for path: '{path}': {err.message}") from None


def _replace(doc: Any, op: dict[str, Any]) -> Any:
    path = _path(op)
    if path is None:
        raise PatchError(f"replace operation failed to decode path: operation missing path field: {_MISSING}")
    value = clone(op.get("value"))
    if path == "":
        # Replacing the whole document; v4 silently ignores a value that is not a container.
        return value if isinstance(value, (dict, list)) else doc
    found = _find_container(doc, path)
    if found is None:
        raise PatchError(f"replace operation does not apply: doc is missing path: {path}: {_MISSING}")
    container, key = found
    if isinstance(container, list):
        try:
            idx = _index(container, key, len(container))
        except PatchError:
            raise PatchError(f"replace operation does not apply: doc is missing key: {path}: {_MISSING}") from None
        container[idx] = value
    else:
        container[key] = value  # v4 quirk: a missing key is simply added
    return doc


def _move(doc: Any, op: dict[str, Any]) -> None:
    source = _path(op, "from")
    if source is None:
        raise PatchError(f"move operation failed to decode from: operation, missing from field: {_MISSING}")
    found = _find_container(doc, source)
    if found is None:
        raise PatchError(f"move operation does not apply: doc is missing from path: {source}: {_MISSING}")
    container, key = found
    try:
        value = _get(container, key)
        _remove_from(container, key)
    except PatchError as err:
        raise PatchError(f"error in move for path: '{key}': {err.message}") from None
    path = _path(op)
    if path is None:
        raise PatchError(f"move operation failed to decode path: operation missing path field: {_MISSING}")
    found = _find_container(doc, path)
    if found is None:
        raise PatchError(f"move operation does not apply: doc is missing destination path: {path}: {_MISSING}")
    try:
        _add_into(*found, value)
    except PatchError as err:
        raise PatchError(f"error in move for path: '{path}': {err.message}") from None


def _copy(doc: Any, op: dict[str, Any]) -> None:
    source = _path(op, "from")
    if source is None:
        raise PatchError(f"copy operation failed to decode from: operation, missing from field: {_MISSING}")
    found = _find_container(doc, source)
    if found is None:
        raise PatchError(f"copy operation does not apply: doc is missing from path: {source}: {_MISSING}")
    try:
        value = _get(*found)
    except PatchError as err:
        raise PatchError(f"error in copy for from: '{source}': {err.message}") from None
    path = _path(op)
    if path is None:
        raise PatchError(f"copy operation failed to decode path: {_MISSING}")
    found = _find_container(doc, path)
    if found is None:
        raise PatchError(f"copy operation does not apply: doc is missing destination path: {path}: {_MISSING}")
    try:
        _add_into(*found, clone(value))
    except PatchError as err:
        raise PatchError(f"error while adding value during copy: {err.message}") from None


def _test(doc: Any, op: dict[str, Any]) -> None:
    path = _path(op)
    if path is None:
        raise PatchError(f"test operation failed to decode path: operation missing path field: {_MISSING}")
    expected = op.get("value")
    if path == "":
        if not json_equal(doc, expected):
            raise PatchError(f"testing value {path} failed: {_TEST_FAILED}")
        return
    found = _find_container(doc, path)
    if found is None:
        raise PatchError(f"test operation does not apply: is missing path: {path}: {_MISSING}")
    try:
        actual = _get(*found)
    except PatchError as err:
        raise PatchError(f"error in test for path: '{path}': {err.message}") from None
    if not json_equal(actual, expected):
        raise PatchError(f"testing value {path} failed: {_TEST_FAILED}")
