"""The sandbox pages: one sandbox per session, the kubeconfig download, the token-guarded watch page."""

from __future__ import annotations

import pytest
import yaml
from django.test import Client

from kubelearn.sandboxes.models import Sandbox
from kubelearn.sandboxes.runtime import runtime

pytestmark = pytest.mark.django_db


def test_the_first_visit_creates_a_sandbox_and_later_visits_reuse_it(client: Client) -> None:
    """A visitor gets exactly one sandbox per session; another visitor gets another."""
    first = client.get("/sandbox/")
    assert first.status_code == 200
    again = client.get("/sandbox/")
    assert again.status_code == 200
    assert Sandbox.objects.count() == 1
    row = Sandbox.objects.get()
    assert row.session_key == client.session.session_key
    assert row.name.startswith("web-")
    Client().get("/sandbox/")
    assert Sandbox.objects.count() == 2


def test_the_sandbox_page_shows_the_cluster_and_how_to_connect(client: Client) -> None:
    """The page lists the objects as kubectl get all does and explains the kubeconfig."""
    html = client.get("/sandbox/").content.decode()
    row = Sandbox.objects.get()
    assert "service/kubernetes" in html
    assert "export KUBECONFIG=~/Downloads/kubeconfig-" in html
    assert "kubectl get nodes" in html
    assert 'href="/sandbox/kubeconfig"' in html
    assert f'data-ws-url="/ws/sandbox/{row.id}/?token={row.watch_token}"' in html
    assert row.access_key not in html  # the key only travels in the downloaded file
    assert 'hx-trigger="every 2s"' in html


def test_the_sandbox_page_speaks_chinese(client: Client) -> None:
    """With Accept-Language zh-Hans the instructions are in Chinese."""
    html = client.get("/sandbox/", headers={"accept-language": "zh-hans"}).content.decode()
    assert "下载 kubeconfig" in html


def test_the_kubeconfig_downloads_as_an_attachment(client: Client) -> None:
    """The download is the visitor's kubeconfig, with this site as the server."""
    response = client.get("/sandbox/kubeconfig")
    row = Sandbox.objects.get()
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="kubeconfig-{row.name}.yaml"'
    config = yaml.safe_load(response.content)
    assert config["clusters"][0]["cluster"]["server"] == f"http://testserver/k8s/{row.access_key}"


def test_the_table_fragment_follows_changes(client: Client) -> None:
    """The htmx fragment is just the table, and shows objects created through the API."""
    client.get("/sandbox/")
    live = runtime().open(Sandbox.objects.get().id)
    assert live is not None
    with live.lock:
        live.cluster.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
        live.cluster.api.create(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "cart", "namespace": "shop"},
                "spec": {"ports": [{"port": 80}]},
            },
        )
    fragment = client.get("/sandbox/table", headers={"hx-request": "true"}).content.decode()
    assert fragment.startswith('<pre class="sandbox-table"')
    assert "service/cart" in fragment
    assert "<html" not in fragment


def test_the_watch_page_needs_the_watch_token(client: Client) -> None:
    """With the token anyone can watch; without it, or with a wrong one, the sandbox does not exist."""
    client.get("/sandbox/")
    row = Sandbox.objects.get()
    stranger = Client()
    ok = stranger.get(f"/sandbox/{row.id}/watch", {"token": row.watch_token})
    assert ok.status_code == 200
    html = ok.content.decode()
    assert "service/kubernetes" in html
    assert "kubeconfig" not in html.lower().replace("kubeconfig-", "")
    assert stranger.get(f"/sandbox/{row.id}/watch").status_code == 404
    assert stranger.get(f"/sandbox/{row.id}/watch", {"token": "nope"}).status_code == 404
    assert stranger.get(f"/sandbox/{row.id}/table", {"token": row.watch_token}).status_code == 200
    assert stranger.get(f"/sandbox/{row.id}/table", {"token": row.access_key}).status_code == 404
    assert stranger.get("/sandbox/table").status_code == 404
