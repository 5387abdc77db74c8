"""Snapshot text for the ``Sandbox`` row: encoded once, fast, while the sandbox's lock is held.

With durable writes every acknowledged request saves its sandbox's whole snapshot, so the
encoding is on the request path: ``bench/soak.py`` at 200 students spent a fifth of each
server process's time in ``clone`` + ``json.dumps`` of snapshots. ``encode`` writes the
stored objects as they are (they are never mutated in place, and the lock keeps writers out
while it runs) with orjson, about ten times faster than copying them and using ``json``.

The row's ``JSONField`` takes the text as it is through ``SnapshotEncoder``; reading the row
still gives plain Python data, so nothing else changes.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

OPTIONS = orjson.OPT_NON_STR_KEYS


class EncodedJSON(str):
    """JSON text that is ready to store: ``SnapshotEncoder`` passes it through untouched."""

    __slots__ = ()


def encode(value: Any) -> EncodedJSON:
    """``value`` as JSON text; ``json`` is the fallback for what orjson refuses (integers over 64 bits)."""
    try:
        return EncodedJSON(orjson.dumps(value, option=OPTIONS).decode())
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return EncodedJSON(json.dumps(value))


class SnapshotEncoder(json.JSONEncoder):
    """The encoder of ``Sandbox.snapshot``: already-encoded text as it is, anything else through ``encode``."""

    def encode(self, o: Any) -> str:
        return str(o) if isinstance(o, EncodedJSON) else str(encode(o))
