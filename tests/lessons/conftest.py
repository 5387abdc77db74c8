"""Lesson page tests: a LESSONS_DIR holding the fixture lesson, no housekeeper thread, no live sandboxes left behind."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from kubelearn.sandboxes import persistence
from kubelearn.sandboxes.runtime import runtime

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def lessons_dir(settings: Settings, tmp_path: Path) -> Iterator[Path]:
    """A lessons directory with the valid fixture lesson (``scaling-demo``), used by the site."""
    shutil.copy(FIXTURES / "valid.yaml", tmp_path / "01-scaling-demo.yaml")
    settings.LESSONS_DIR = tmp_path
    settings.SANDBOX_HOUSEKEEPER = False
    yield tmp_path
    for sandbox_id in runtime().live_ids():
        persistence.forget(sandbox_id)
