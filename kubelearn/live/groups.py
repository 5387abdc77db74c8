"""Channel-layer group names: the one place they are spelled (``sandbox.<id>``, ``classroom.<code>``).

Channels accepts group names of ``[a-zA-Z0-9._-]`` shorter than 100 characters; anything else
is refused here rather than deep inside the channel layer.
"""

from __future__ import annotations

import re

_VALID = re.compile(r"^[a-zA-Z0-9._-]{1,99}$")


def _group(name: str) -> str:
    if not _VALID.match(name):
        raise ValueError(f"invalid group name {name!r}")
    return name


def sandbox_group(sandbox_id: str) -> str:
    """Everyone watching one sandbox."""
    return _group(f"sandbox.{sandbox_id}")


def classroom_group(code: str) -> str:
    """Everyone following one classroom's live demo."""
    return _group(f"classroom.{code}")
