"""The service-account controller: every namespace gets a ``default`` ServiceAccount.

Mirrors ``pkg/controller/serviceaccount``: pods run as ``default`` unless they name another
account, so the account must exist in each namespace, including ones a student creates.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from ..errors import StatusError
from ..objects import Key, is_being_deleted
from ..store import DELETED, WatchEvent
from .base import Context, Result

NAME = "serviceaccount"
WATCHES = ("Namespace", "ServiceAccount")


def keys_for(event: WatchEvent, ctx: Context) -> Iterable[Key]:
    obj = event.object
    if event.kind == "Namespace" and event.type != DELETED:
        return [("Namespace", "", obj["metadata"]["name"])]
    if event.kind == "ServiceAccount" and event.type == DELETED and obj["metadata"]["name"] == "default":
        return [("Namespace", "", obj["metadata"].get("namespace", ""))]
    return []


def reconcile(ctx: Context, key: Key) -> Result:
    namespace = ctx.store.peek(*key)
    if namespace is None or is_being_deleted(namespace):
        return Result()
    if ctx.store.peek("ServiceAccount", key[2], "default") is None:
        account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": key[2]}}
        with contextlib.suppress(StatusError):
            ctx.api.create(account, trusted=True)
    return Result()
