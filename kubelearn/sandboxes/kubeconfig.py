"""The kubeconfig and URLs of a sandbox: what ``kind get kubeconfig`` prints for a real one.

The cluster, context and user are all named after the sandbox; the server is
``<server>/k8s/<access-key>`` because kubectl sends no bearer token over plain http (see
docs/kubectl-wire.md), so the secret path prefix is the credential. Over https the key is
also offered as a bearer token, which kubectl then sends.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import yaml
from django.urls import reverse

from .models import Sandbox

DEFAULT_SERVER = "http://127.0.0.1:8000"


def base(server: str) -> str:
    return server.rstrip("/")


def api_server(row: Sandbox, server: str) -> str:
    return f"{base(server)}/k8s/{row.access_key}"


def kubeconfig(row: Sandbox, server: str) -> str:
    user: dict[str, str] = {"token": row.access_key} if server.startswith("https://") else {}
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": row.name, "cluster": {"server": api_server(row, server)}}],
        "contexts": [{"name": row.name, "context": {"cluster": row.name, "user": row.name, "namespace": "default"}}],
        "current-context": row.name,
        "preferences": {},
        "users": [{"name": row.name, "user": user}],
    }
    return yaml.safe_dump(config, sort_keys=False, default_flow_style=False)


def watch_page(row: Sandbox, server: str) -> str:
    path = reverse("sandboxes:watch", args=[row.id])
    return f"{base(server)}{path}?{urlencode({'token': row.watch_token})}"


def websocket_path(row: Sandbox) -> str:
    return f"/ws/sandbox/{row.id}/?{urlencode({'token': row.watch_token})}"


def websocket_url(row: Sandbox, server: str) -> str:
    parts = urlsplit(base(server))
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{parts.path}{websocket_path(row)}"


def describe(row: Sandbox, server: str) -> dict[str, str]:
    """``manage.py sandbox show``: where to watch it and where kubectl talks to it."""
    return {
        "id": row.id,
        "name": row.name,
        "page": watch_page(row, server),
        "ws": websocket_url(row, server),
        "server": api_server(row, server),
    }
