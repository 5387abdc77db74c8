"""Decoding a request body the way kube-apiserver's JSON serializer does, before any validation.

Mirrors apimachinery ``pkg/runtime/serializer/json`` over ``sigs.k8s.io/json`` (Go's
``encoding/json`` plus strict errors) decoding into the generated Go structs, and the v1→internal
conversion step that folds Secret ``stringData`` into ``data``. Rules copied from the Go code:

* Unknown fields are *strict* errors (``unknown field "spec.template.spec.containers[0].imagee"``:
  struct fields dotted, list indices in brackets), collected (deduped, at most 100) and reported
  only if nothing worse happened: ``Strict`` → 400, ``Warn`` → warnings, ``Ignore`` → dropped.
* A wrong JSON type is an ``UnmarshalTypeError``; the *first* one wins and is reported as
  ``json: cannot unmarshal <bool|string|number|object|array> into Go struct field
  <Struct>.<field.path.without.indices> of type <go type>``; integers that overflow or are not
  whole print the literal (``number 99999999999``).
* Custom ``UnmarshalJSON`` errors (Quantity, IntOrString, Time) abort decoding at once.
* ``null`` means "absent"; empty lists/maps in ``omitempty`` fields vanish (the server would
  not write them back); quantities come back canonical (``0.5`` → ``500m``).

The walker (``walk.py``) is generic over the official OpenAPI definitions (``openapi.py``); each
definition is compiled once into a small node table (``schema.py``). Simplifies: duplicate keys cannot be seen in a parsed dict,
and a malformed time gets Go's message only for its first element.
"""

from __future__ import annotations

import base64
from typing import Any

from kubelearn.cluster.apiserver import openapi
from kubelearn.cluster.errors import new_bad_request, new_decoding_error

from .schema import definition_node
from .walk import DecodeState, FatalDecodeError, walk


def _fold_string_data(obj: dict[str, Any]) -> None:
    """``Convert_v1_Secret_To_core_Secret``: ``stringData`` overwrites ``data``, then is gone."""
    string_data = obj.pop("stringData", None)
    if string_data:
        data = obj.setdefault("data", {})
        for key, text in string_data.items():
            data[key] = base64.b64encode(text.encode()).decode()


def decode(obj: dict[str, Any], field_validation: str = "Strict") -> tuple[dict[str, Any], list[str]]:
    """Decode a request body: a new dict holding what Go's structs keep, plus warnings.

    ``field_validation`` is the ``fieldValidation`` query parameter (``Strict``/``Warn``/``Ignore``;
    the real server's default when it is absent is ``Warn``). Raises ``StatusError`` (400).
    """
    api_version = obj.get("apiVersion") or ""
    kind = obj.get("kind") or ""
    version = api_version.rpartition("/")[2]
    name = openapi.definition_name_for(api_version, kind)
    if name is None:
        raise new_bad_request(
            f'no kind "{kind}" is registered for version "{api_version}" in scheme '
            '"k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"'
        )
    st = DecodeState(field_validation != "Ignore")
    try:
        decoded = walk(definition_node(name), obj, None, st)
    except FatalDecodeError as err:
        raise new_decoding_error(kind, version, str(err)) from None
    if st.first_error is not None:
        raise new_decoding_error(kind, version, st.first_error)
    if st.strict and field_validation == "Strict":
        raise new_decoding_error(kind, version, "strict decoding error: " + ", ".join(st.strict))
    if kind == "Secret" and api_version == "v1":
        _fold_string_data(decoded)
    return decoded, list(st.strict) if field_validation == "Warn" else []
