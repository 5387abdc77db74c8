"""kubelearn/cluster/ stays pure: no wall clock, no global random, no web or async imports.

import-linter's ``forbidden`` contract and ruff's banned-api (TID251) enforce the same rules
at lint time; this test keeps them enforced even when only pytest runs. It reads the source
with ``ast`` so docstrings that *mention* ``random.Random`` do not count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CLUSTER_DIR = Path(__file__).resolve().parents[2] / "kubelearn" / "cluster"
RNG_MODULE = CLUSTER_DIR / "rng.py"

FORBIDDEN_PACKAGES = {"django", "channels", "channels_redis", "asgiref", "redis", "daphne", "asyncio"}
WALL_CLOCK_CALLS = {
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "monotonic"),
    ("time", "sleep"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("date", "today"),
}
WALL_CLOCK_NAMES = {"time": {"time", "time_ns", "monotonic", "sleep"}}


def cluster_modules() -> list[Path]:
    return sorted(CLUSTER_DIR.rglob("*.py"))


def violations(path: Path) -> list[str]:
    """Human-readable purity violations in one module, with line numbers."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in FORBIDDEN_PACKAGES or (top == "random" and path != RNG_MODULE):
                    found.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            top = node.module.split(".")[0]
            if top in FORBIDDEN_PACKAGES or top == "random":
                found.append(f"line {node.lineno}: from {node.module} import ...")
            for alias in node.names:
                if alias.name in WALL_CLOCK_NAMES.get(node.module, set()):
                    found.append(f"line {node.lineno}: from {node.module} import {alias.name}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (owner_name, node.func.attr) in WALL_CLOCK_CALLS:
                found.append(f"line {node.lineno}: {owner_name}.{node.func.attr}()")
        elif isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "random" and node.attr != "Random":
            found.append(f"line {node.lineno}: random.{node.attr} (the global RNG)")
    return found


def test_the_cluster_package_has_modules_to_check() -> None:
    """Guard against a moved package making the purity checks vacuous."""
    assert RNG_MODULE in cluster_modules()


@pytest.mark.parametrize("path", cluster_modules(), ids=lambda p: str(p.relative_to(CLUSTER_DIR)))
def test_cluster_module_never_reads_the_wall_clock_or_global_random(path: Path) -> None:
    """No time.time()/datetime.now()/global random, no Django/Channels/asyncio imports."""
    assert violations(path) == []


def test_the_checker_catches_what_it_claims_to(tmp_path: Path) -> None:
    """A module that breaks every rule is reported line by line."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import random\n"
        "import asyncio\n"
        "from time import monotonic\n"
        "from django.conf import settings\n"
        "import datetime, time\n"
        "a = time.time()\n"
        "b = datetime.datetime.now()\n"
        "c = random.choice([1])\n",
        encoding="utf-8",
    )
    assert violations(bad) == [
        "line 1: import random",
        "line 2: import asyncio",
        "line 3: from time import monotonic",
        "line 4: from django.conf import ...",
        "line 6: time.time()",
        "line 7: datetime.now()",
        "line 8: random.choice (the global RNG)",
    ]
