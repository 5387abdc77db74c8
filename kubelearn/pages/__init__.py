"""Pages app: the home page, the health check and (later) lesson pages and htmx partials."""

from __future__ import annotations
