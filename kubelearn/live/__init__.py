"""Channels shell: WebSocket consumers that stream the live mini cluster to the browser."""

from __future__ import annotations
