"""A server process loses nothing: the housekeeper writes changes promptly, and a clean exit flushes.

Each case runs a real ``manage.py shell`` process against a temporary SQLite database, changes
a sandbox the way the REST facade does (``api.create`` then ``changed()``), ends the process,
and checks what a fresh process restores.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

CHANGE = """
import os, time
from django.conf import settings
from kubelearn.sandboxes.provision import get_or_create_named
from kubelearn.sandboxes.runtime import runtime
settings.SANDBOX_SAVE_SECONDS = {interval}
row, _ = get_or_create_named("restart")
live = runtime().open(row.id)
with live.lock:
    live.cluster.api.create({{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {{"name": "{name}", "namespace": "default"}}}})
    live.changed()
{ending}
"""

CHECK = """
from kubelearn.sandboxes.models import Sandbox
from kubelearn.sandboxes.runtime import runtime
live = runtime().open(Sandbox.objects.get(name="restart").id)
print(sorted(o["metadata"]["name"] for o in live.cluster.store.iter_kind("ConfigMap")))
"""


@pytest.fixture
def manage(tmp_path: Path, repo_root: Path, make_env: Callable[..., dict[str, str]]) -> Callable[[str], str]:
    env = make_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    def run(code: str) -> str:
        command = (
            [sys.executable, "manage.py", "shell", "-c", code] if code else [sys.executable, "manage.py", "migrate"]
        )
        result = subprocess.run(command, cwd=repo_root, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()[-1] if code else ""

    run("")
    return run


def test_the_housekeeper_saves_a_change_before_the_process_dies(manage: Callable[[str], str]) -> None:
    """Within the save interval the background writer has stored the change, even on a hard exit."""
    manage(CHANGE.format(interval=0.2, name="kept", ending="time.sleep(1.5)\nos._exit(0)"))
    assert manage(CHECK).strip() == "['kept']"


def test_a_clean_exit_flushes_unsaved_changes(manage: Callable[[str], str]) -> None:
    """With a long throttle nothing is written in time, but the exit hook flushes every sandbox."""
    manage(CHANGE.format(interval=3600, name="flushed", ending="time.sleep(0.3)"))
    assert manage(CHECK).strip() == "['flushed']"
