"""Errors shaped like the Kubernetes API server's, so every door prints the real wording.

Mirrors apimachinery's ``pkg/util/validation/field/errors.go`` (one ``FieldError`` per problem,
``<path>: <type>[: <value>][: <detail>]``) and ``pkg/api/errors/errors.go`` (``StatusError``
carrying a ``metav1.Status`` body with an HTTP code and a reason). The REST facade returns
``StatusError.status()`` as JSON; the editor and ``simulate`` print ``kubectl_message()``.
Emulates Kubernetes 1.32: composite values print in Go syntax (``map[string]string{...}``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# Field error types, worded as ``field.ErrorType.String()``.
REQUIRED = "Required value"
INVALID = "Invalid value"
NOT_SUPPORTED = "Unsupported value"
DUPLICATE = "Duplicate value"
FORBIDDEN = "Forbidden"
TOO_LONG = "Too long"
TOO_MANY = "Too many"
NOT_FOUND = "Not found"
INTERNAL = "Internal error"

# ``details.causes[].reason`` for each type (``field.ErrorType`` -> ``metav1.CauseType``).
CAUSE_REASONS = {
    REQUIRED: "FieldValueRequired",
    INVALID: "FieldValueInvalid",
    NOT_SUPPORTED: "FieldValueNotSupported",
    DUPLICATE: "FieldValueDuplicate",
    FORBIDDEN: "FieldValueForbidden",
    TOO_LONG: "FieldValueTooLong",
    TOO_MANY: "FieldValueTooMany",
    NOT_FOUND: "FieldValueNotFound",
    INTERNAL: "InternalError",
}

_OMIT = object()


class GoValue:
    """A value pre-rendered the way Go's ``%#v`` would print it (``v1.LabelSelector{...}``)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def go_repr(value: Any) -> str:
    """Render a bad value as apimachinery 1.32 does: strings %q, numbers bare, maps Go syntax."""
    if isinstance(value, GoValue):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        inner = ", ".join(
            f"{json.dumps(k, ensure_ascii=False)}:{json.dumps(v, ensure_ascii=False)}" for k, v in sorted(value.items())
        )
        return "map[string]string{" + inner + "}"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "[]string{" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "}"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True, slots=True)
class FieldError:
    """One validation problem at a field path, e.g. ``spec.replicas``."""

    type: str
    field: str
    value: Any = _OMIT
    detail: str = ""

    def message_without_field(self) -> str:
        """The cause message (``details.causes[].message``): type, value, detail."""
        parts = [self.type]
        if self.value is not _OMIT and self.type not in (REQUIRED, FORBIDDEN, TOO_LONG, INTERNAL):
            parts.append(go_repr(self.value))
        if self.detail:
            parts.append(self.detail)
        return ": ".join(parts)

    def message(self) -> str:
        return f"{self.field}: {self.message_without_field()}" if self.field else self.message_without_field()

    def cause(self) -> dict[str, str]:
        return {"reason": CAUSE_REASONS[self.type], "message": self.message_without_field(), "field": self.field}


def required(path: str, detail: str = "") -> FieldError:
    return FieldError(REQUIRED, path, detail=detail)


def invalid(path: str, value: Any, detail: str) -> FieldError:
    return FieldError(INVALID, path, value, detail)


def not_supported(path: str, value: Any, supported: list[str]) -> FieldError:
    detail = "supported values: " + ", ".join(json.dumps(s) for s in supported)
    return FieldError(NOT_SUPPORTED, path, value, detail)


def duplicate(path: str, value: Any) -> FieldError:
    return FieldError(DUPLICATE, path, value)


def forbidden(path: str, detail: str) -> FieldError:
    return FieldError(FORBIDDEN, path, detail=detail)


def too_long(path: str, limit: int, unit: str = "characters") -> FieldError:
    return FieldError(TOO_LONG, path, detail=f"must have at most {limit} {unit}")


def too_many(path: str, actual: int, limit: int) -> FieldError:
    return FieldError(TOO_MANY, path, actual, f"must have at most {limit} items")


def not_found(path: str, value: Any) -> FieldError:
    return FieldError(NOT_FOUND, path, value)


class StatusError(Exception):
    """An API error with a ``metav1.Status`` body (``k8s.io/apimachinery/pkg/api/errors``)."""

    def __init__(
        self,
        code: int,
        reason: str,
        message: str,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details or {}

    def status(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details:
            body["details"] = self.details
        return body

    def kubectl_message(self) -> str:
        """What kubectl prints after ``Error from server (<Reason>): ``; see ``Invalid`` below."""
        return self.message


def _qualified_kind(group: str, kind: str) -> str:
    return f"{kind}.{group}" if group else kind


def _resource(group: str, plural: str) -> str:
    return f"{plural}.{group}" if group else plural


def _details(name: str, group: str, kind: str) -> dict[str, Any]:
    details: dict[str, Any] = {"name": name, "kind": kind}
    if group:
        details["group"] = group
    return details


def new_invalid(group: str, kind: str, name: str, errors: list[FieldError]) -> StatusError:
    """422 Invalid: ``Deployment.apps "web" is invalid: <err>`` or ``[<e1>, <e2>]``."""
    unique: list[FieldError] = []
    seen: set[str] = set()
    for err in errors:
        if err.message() not in seen:
            seen.add(err.message())
            unique.append(err)
    msgs = [e.message() for e in unique]
    body = msgs[0] if len(msgs) == 1 else "[" + ", ".join(msgs) + "]"
    details = _details(name, group, kind)
    details["causes"] = [e.cause() for e in unique]
    err = StatusError(422, "Invalid", f'{_qualified_kind(group, kind)} "{name}" is invalid: {body}', details)
    err.field_errors = unique  # type: ignore[attr-defined]
    return err


def new_not_found(group: str, plural: str, name: str) -> StatusError:
    details = _details(name, group, plural)
    return StatusError(404, "NotFound", f'{_resource(group, plural)} "{name}" not found', details)


def new_already_exists(group: str, plural: str, name: str) -> StatusError:
    details = _details(name, group, plural)
    return StatusError(409, "AlreadyExists", f'{_resource(group, plural)} "{name}" already exists', details)


def new_conflict(group: str, plural: str, name: str, why: str) -> StatusError:
    details = _details(name, group, plural)
    msg = f'Operation cannot be fulfilled on {_resource(group, plural)} "{name}": {why}'
    return StatusError(409, "Conflict", msg, details)


def new_bad_request(message: str) -> StatusError:
    return StatusError(400, "BadRequest", message)


def new_decoding_error(kind: str, version: str, detail: str) -> StatusError:
    """400 for bodies that cannot be decoded (strict unknown field, wrong JSON type, quantity)."""
    return new_bad_request(f'{kind} in version "{version}" cannot be handled as a {kind}: {detail}')


def new_forbidden(group: str, plural: str, name: str, why: str) -> StatusError:
    details = _details(name, group, plural)
    resource = _resource(group, plural)
    return StatusError(403, "Forbidden", f'{resource} "{name}" is forbidden: {why}', details)


def new_gone(message: str) -> StatusError:
    return StatusError(410, "Expired", message)


def new_method_not_supported(group: str, plural: str, verb: str) -> StatusError:
    return StatusError(
        405, "MethodNotAllowed", f"{verb} is not supported on resources of kind {_resource(group, plural)}"
    )


@dataclass(slots=True)
class Warnings:
    """Collects API warnings (``fieldValidation=Warn``, deprecated fields) for one request."""

    items: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        if text not in self.items:
            self.items.append(text)
