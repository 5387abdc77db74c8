"""Sandbox tests run without the housekeeper thread and leave no live sandbox behind."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_django.fixtures import Settings

from kubelearn.sandboxes import persistence
from kubelearn.sandboxes.runtime import runtime


@pytest.fixture(autouse=True)
def _quiet_runtime(settings: Settings) -> Iterator[None]:
    """No background thread: tests tick and save through ``housekeeper.run_once`` themselves."""
    settings.SANDBOX_HOUSEKEEPER = False
    yield
    for sandbox_id in runtime().live_ids():
        persistence.forget(sandbox_id)
