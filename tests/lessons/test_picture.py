"""The lesson page's live picture: a fragment that prepares the learner's sandbox, then hands its WebSocket URL to cluster-view.js."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from kubelearn.sandboxes.models import Sandbox
from kubelearn.sandboxes.provision import SESSION_KEY

pytestmark = pytest.mark.django_db
URL = "/learn/scaling-demo/"


def test_the_page_loads_the_picture_as_a_fragment(client: Client, lessons_dir: Path) -> None:
    html = client.get(URL).content.decode()
    assert 'hx-get="/learn/scaling-demo/picture?step=1"' in html
    assert "js/cluster-view.js" in html


def test_the_picture_fragment_points_at_the_learners_own_sandbox(client: Client, lessons_dir: Path) -> None:
    client.get(URL)
    html = client.get(URL + "picture?step=1", headers={"HX-Request": "true"}).content.decode()
    row = Sandbox.objects.get(pk=client.session[SESSION_KEY])
    assert f'data-sandbox="{row.id}"' in html
    assert f'data-ws-url="/ws/sandbox/{row.id}/?token={row.watch_token}"' in html
    client.get(URL + "goal?step=1", headers={"HX-Request": "true"})
    assert Sandbox.objects.count() == 1
