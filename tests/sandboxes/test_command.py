"""``manage.py sandbox``: kubeconfig (accepted by the real kubectl), show, list and delete."""

from __future__ import annotations

import json
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from kubelearn.sandboxes.models import Sandbox

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("sandbox", *args, stdout=out)
    return out.getvalue()


def test_kubeconfig_creates_the_sandbox_and_names_everything_after_it() -> None:
    """The first call creates the sandbox; the kubeconfig's server carries the access key."""
    config = yaml.safe_load(run("kubeconfig", "alice", "--server", "http://127.0.0.1:9000/"))
    row = Sandbox.objects.get(name="alice")
    assert config["current-context"] == "alice"
    assert config["clusters"] == [
        {"name": "alice", "cluster": {"server": f"http://127.0.0.1:9000/k8s/{row.access_key}"}}
    ]
    assert config["contexts"] == [
        {"name": "alice", "context": {"cluster": "alice", "user": "alice", "namespace": "default"}}
    ]
    assert config["users"] == [{"name": "alice", "user": {}}]


def test_kubeconfig_twice_prints_the_same_key_and_creates_nothing_new() -> None:
    """Asking again re-issues the same kubeconfig (the key is kept, see models.py)."""
    first, second = run("kubeconfig", "bob"), run("kubeconfig", "bob")
    assert first == second
    assert Sandbox.objects.count() == 1


def test_kubeconfig_over_https_also_offers_the_key_as_a_token() -> None:
    """kubectl sends bearer tokens only over https, so only an https kubeconfig carries one."""
    config = yaml.safe_load(run("kubeconfig", "carol", "--server", "https://kubelearn.example.org"))
    row = Sandbox.objects.get(name="carol")
    assert config["users"] == [{"name": "carol", "user": {"token": row.access_key}}]


def test_show_prints_one_json_object_with_the_watch_urls() -> None:
    """show gives id, name, the watch page and WebSocket URLs (with the watch token) and the API server."""
    run("kubeconfig", "dave")
    row = Sandbox.objects.get(name="dave")
    shown = json.loads(run("show", "dave", "--server", "https://kubelearn.example.org"))
    assert shown == {
        "id": row.id,
        "name": "dave",
        "page": f"https://kubelearn.example.org/sandbox/{row.id}/watch?token={row.watch_token}",
        "ws": f"wss://kubelearn.example.org/ws/sandbox/{row.id}/?token={row.watch_token}",
        "server": f"https://kubelearn.example.org/k8s/{row.access_key}",
    }
    plain = json.loads(run("show", "dave"))
    assert plain["ws"].startswith(f"ws://127.0.0.1:8000/ws/sandbox/{row.id}/?token=")


def test_list_and_delete() -> None:
    """list shows every sandbox; delete removes one; unknown names are errors."""
    assert run("list") == "No sandboxes found.\n"
    run("kubeconfig", "erin")
    run("kubeconfig", "frank")
    lines = run("list").splitlines()
    assert lines[0].split() == ["NAME", "ID", "OWNER", "UPDATED"]
    assert [line.split()[0] for line in lines[1:]] == ["erin", "frank"]
    assert run("delete", "erin") == 'sandbox "erin" deleted\n'
    assert list(Sandbox.objects.values_list("name", flat=True)) == ["frank"]
    with pytest.raises(CommandError, match='sandbox "erin" not found'):
        run("show", "erin")
    with pytest.raises(CommandError, match="invalid sandbox name"):
        run("kubeconfig", "no spaces")


@pytest.mark.kubectl
def test_the_real_kubectl_accepts_the_kubeconfig(tmp_path: Path) -> None:
    """kubectl parses the file and reports the sandbox's context and server."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.fail("kubectl is not installed (see .ci/run)")
    path = tmp_path / "kubeconfig"
    path.write_text(run("kubeconfig", "grace"))
    result = subprocess.run(
        [kubectl, "--kubeconfig", str(path), "config", "view", "-o", "json"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    view = json.loads(result.stdout)
    row = Sandbox.objects.get(name="grace")
    assert view["current-context"] == "grace"
    assert view["clusters"][0]["cluster"]["server"] == f"http://127.0.0.1:8000/k8s/{row.access_key}"
