"""ConfigMap and Secret validation from ``pkg/apis/core/validation`` (Kubernetes 1.32).

Mirrors ``ValidateConfigMap``/``ValidateConfigMapUpdate`` and ``ValidateSecret``/
``ValidateSecretUpdate``: ``IsConfigMapKey`` on every key, no key in both ``data`` and
``binaryData``, the 1 MiB total (``MaxSecretSize``; the ConfigMap error sits on the odd
path ``[]`` because upstream uses ``field.NewPath("")``), type-specific required keys, and
``immutable: true``. Secret ``data`` values are base64 in JSON; sizes count decoded bytes.
``stringData`` (if still present) counts as data, as after conversion.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from kubelearn.cluster.errors import TOO_LONG, FieldError, forbidden, invalid, required

from . import names
from .meta import as_dict, semantic_equal, validate_immutable, validate_object_meta, validate_object_meta_update

MAX_SECRET_SIZE = 1024 * 1024
IMMUTABLE_SET = "field is immutable when `immutable` is set"
REDACTED = "<secret contents redacted>"


def _too_long(path: str, limit: int) -> FieldError:
    return FieldError(TOO_LONG, path, "", f"may not be more than {limit} bytes")


def _key_errors(key: str, path: str) -> list[FieldError]:
    return [invalid(path, key, m) for m in names.is_config_map_key(key)]


def validate_config_map(obj: dict) -> list[FieldError]:
    errs = validate_object_meta(obj.get("metadata"), True)
    data, binary = as_dict(obj.get("data")), as_dict(obj.get("binaryData"))
    total = 0
    for key, value in sorted(data.items()):
        errs.extend(_key_errors(key, f"data[{key}]"))
        if key in binary:
            errs.append(invalid(f"data[{key}]", key, "duplicate of key present in binaryData"))
        total += len(str(value).encode())
    for key, value in sorted(binary.items()):
        errs.extend(_key_errors(key, f"binaryData[{key}]"))
        total += len(_decoded(value))
    if total > MAX_SECRET_SIZE:
        errs.append(_too_long("[]", MAX_SECRET_SIZE))
    return errs


def _immutable_errors(new: dict, old: dict, fields: tuple[str, ...]) -> list[FieldError]:
    if old.get("immutable") is not True:
        return []
    errs: list[FieldError] = []
    if new.get("immutable") is not True:
        errs.append(forbidden("immutable", IMMUTABLE_SET))
    for key in fields:
        if not semantic_equal(new.get(key), old.get(key)):
            errs.append(forbidden(key, IMMUTABLE_SET))
    return errs


def validate_config_map_update(new: dict, old: dict) -> list[FieldError]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs.extend(_immutable_errors(new, old, ("data", "binaryData")))
    errs.extend(validate_config_map(new))
    return errs


def _decoded(value: Any) -> bytes:
    text = str(value)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return text.encode()


def _secret_data(obj: dict) -> dict[str, bytes]:
    data = {str(k): _decoded(v) for k, v in as_dict(obj.get("data")).items()}
    for key, value in as_dict(obj.get("stringData")).items():
        data[str(key)] = str(value).encode()
    return data


def _type_errors(kind: str, data: dict[str, bytes], meta: dict) -> list[FieldError]:
    errs: list[FieldError] = []
    if kind == "kubernetes.io/service-account-token":
        if not as_dict(meta.get("annotations")).get("kubernetes.io/service-account.name"):
            errs.append(required("metadata.annotations[kubernetes.io/service-account.name]"))
    elif kind in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"):
        key = ".dockercfg" if kind == "kubernetes.io/dockercfg" else ".dockerconfigjson"
        if key not in data:
            errs.append(required(f"data[{key}]"))
        else:
            try:
                parsed = json.loads(data[key] or b"null")
                if not isinstance(parsed, dict) and parsed is not None:
                    raise ValueError(
                        f"json: cannot unmarshal {type(parsed).__name__} into Go value of type map[string]interface {{}}"
                    )
            except ValueError as exc:
                errs.append(invalid(f"data[{key}]", REDACTED, str(exc)))
    elif kind == "kubernetes.io/basic-auth":
        if "username" not in data and "password" not in data:
            errs.append(required("data[username]"))
            errs.append(required("data[password]"))
    elif kind == "kubernetes.io/ssh-auth":
        if not data.get("ssh-privatekey"):
            errs.append(required("data[ssh-privatekey]"))
    elif kind == "kubernetes.io/tls":
        if "tls.crt" not in data:
            errs.append(required("data[tls.crt]"))
        if "tls.key" not in data:
            errs.append(required("data[tls.key]"))
    return errs


def validate_secret(obj: dict) -> list[FieldError]:
    meta = as_dict(obj.get("metadata"))
    errs = validate_object_meta(meta, True)
    data = _secret_data(obj)
    total = 0
    for key, value in sorted(data.items()):
        errs.extend(_key_errors(key, f"data[{key}]"))
        total += len(value)
    if total > MAX_SECRET_SIZE:
        errs.append(_too_long("data", MAX_SECRET_SIZE))
    errs.extend(_type_errors(str(obj.get("type") or "Opaque"), data, meta))
    return errs


def validate_secret_update(new: dict, old: dict) -> list[FieldError]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs.extend(validate_immutable(new.get("type") or "Opaque", old.get("type") or "Opaque", "type"))
    errs.extend(_immutable_errors(new, old, ("data",)))
    errs.extend(validate_secret(new))
    return errs
