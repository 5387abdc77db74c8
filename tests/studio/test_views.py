"""The workbench views: fragments for htmx, full pages otherwise, and every door's effect on the cluster."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from kubelearn.sandboxes.models import Sandbox
from kubelearn.sandboxes.runtime import LiveSandbox
from kubelearn.studio.snippets import SNIPPETS

HX = {"HX-Request": "true"}
BROKEN = SNIPPETS["Deployment"].replace("  replicas: 3", "  replica: 3")


def pods(live: LiveSandbox) -> list[dict]:
    with live.lock:
        return [p for p in live.cluster.store.iter_kind("Pod") if p["metadata"]["namespace"] == "default"]


def test_the_workbench_page_has_editor_command_bar_picture_and_controls(studio: Client) -> None:
    """A full page: the layout, the editor preloaded with a Deployment, and every panel."""
    html = studio.get("/studio/").content.decode()
    assert '<header class="site-header">' in html
    assert "data-editor" in html and "kind: Deployment" in html
    for panel in (
        'id="command-form"',
        'id="time-controls"',
        'id="chaos"',
        'id="timeline"',
        'id="inspector"',
        'id="replay"',
    ):
        assert panel in html
    assert "/ws/sandbox/" in html and 'data-sandbox="' in html
    assert "js/editor.js" in html


def test_applying_a_deployment_creates_its_pods_and_answers_like_kubectl(studio: Client, live: LiveSandbox) -> None:
    """The fragment lists each document's outcome and tells the page the cluster changed."""
    response = studio.post("/studio/apply", {"text": SNIPPETS["Deployment"]}, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<header" not in html
    assert "deployment.apps/web created" in html
    assert "studio:changed" in response["HX-Trigger"]
    assert len(pods(live)) == 3


def test_a_broken_manifest_marks_the_offending_line_with_the_api_servers_message(studio: Client) -> None:
    """``replica`` is an unknown field: line 6 of the editor carries the strict-decoding error."""
    response = studio.post("/studio/apply", {"text": BROKEN}, headers=HX)
    html = response.content.decode()
    assert 'data-error-line="6"' in html
    assert "unknown field &quot;spec.replica&quot;" in html


def test_a_yaml_syntax_error_is_marked_on_the_parsers_line(studio: Client) -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [1, 2\n"
    html = studio.post("/studio/apply", {"text": text}, headers=HX).content.decode()
    line = int(re.search(r'data-error-line="(\d+)"', html).group(1))
    assert line >= 6


def test_without_htmx_apply_renders_the_whole_page_with_the_students_text_kept(studio: Client) -> None:
    """A plain form post (no JavaScript) gets the page back with the same text in the textarea."""
    response = studio.post("/studio/apply", {"text": BROKEN})
    html = response.content.decode()
    assert '<header class="site-header">' in html
    assert "  replica: 3" in html
    assert 'data-error-line="6"' in html


def test_an_empty_or_oversized_manifest_is_refused_without_touching_the_cluster(studio: Client) -> None:
    assert studio.post("/studio/apply", {"text": "  \n"}, headers=HX).status_code == 400
    huge = "# " + "x" * (256 * 1024) + "\n"
    response = studio.post("/studio/apply", {"text": huge}, headers=HX)
    assert response.status_code == 413
    assert "256 KiB" in response.content.decode()


def test_applies_are_rate_limited_per_session(studio: Client) -> None:
    cache.clear()
    codes = [studio.post("/studio/apply", {"text": SNIPPETS["Namespace"]}, headers=HX).status_code for _ in range(8)]
    assert 429 in codes
    assert codes[:5] == [200] * 5


def test_posts_need_a_csrf_token(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/studio/")
    assert client.post("/studio/apply", {"text": SNIPPETS["Namespace"]}, headers=HX).status_code == 403


def test_the_command_bar_scales_a_deployment_and_answers_like_kubectl(studio: Client, live: LiveSandbox) -> None:
    studio.post("/studio/apply", {"text": SNIPPETS["Deployment"]}, headers=HX)
    html = studio.post("/studio/command", {"line": "scale deployment web --replicas=5"}, headers=HX).content.decode()
    assert "kubectl scale deployment web --replicas=5" in html
    assert "deployment.apps/web scaled" in html
    assert len(pods(live)) == 5


def test_a_failing_command_shows_kubectls_error_on_stderr(studio: Client) -> None:
    html = studio.post("/studio/command", {"line": "kubectl delete pod nope"}, headers=HX).content.decode()
    assert 'class="console-err"' in html
    assert "pods &quot;nope&quot; not found" in html


def test_pause_step_and_speed_change_the_live_sandbox_and_are_saved(studio: Client, live: LiveSandbox) -> None:
    studio.post("/studio/time", {"action": "resume"}, headers=HX)
    assert live.paused is False
    studio.post("/studio/time", {"action": "pause"}, headers=HX)
    assert live.paused is True
    before = live.cluster.clock.now
    html = studio.post("/studio/time", {"action": "step", "seconds": "10"}, headers=HX).content.decode()
    assert live.cluster.clock.now == pytest.approx(before + 10)
    assert 'id="time-resume"' in html
    studio.post("/studio/time", {"action": "speed", "speed": "0.25"}, headers=HX)
    assert live.speed == 0.25
    row = Sandbox.objects.get(pk=live.id)
    assert (row.paused, row.speed) == (True, 0.25)
    assert studio.post("/studio/time", {"action": "speed", "speed": "8"}, headers=HX).status_code == 400


def test_chaos_deletes_a_pod_and_the_replicaset_replaces_it(studio: Client, live: LiveSandbox) -> None:
    studio.post("/studio/apply", {"text": SNIPPETS["Deployment"]}, headers=HX)
    victim = pods(live)[0]["metadata"]["name"]
    html = studio.post(
        "/studio/chaos", {"action": "delete-pod", "target": f"default/{victim}"}, headers=HX
    ).content.decode()
    assert f"Deleted pod {victim}" in html
    names = {p["metadata"]["name"] for p in pods(live) if not p["metadata"].get("deletionTimestamp")}
    assert victim not in names and len(names) == 3


def test_chaos_fails_restores_and_adds_ships(studio: Client, live: LiveSandbox) -> None:
    ship = next(iter(live.cluster.store.iter_kind("Node")))["metadata"]["name"]
    assert (
        "stopped reporting"
        in studio.post("/studio/chaos", {"action": "fail-node", "target": ship}, headers=HX).content.decode()
    )
    assert (
        "reporting again"
        in studio.post("/studio/chaos", {"action": "restore-node", "target": ship}, headers=HX).content.decode()
    )
    studio.post("/studio/chaos", {"action": "add-node"}, headers=HX)
    assert live.cluster.store.count("Node") == 4


def test_traffic_to_a_service_reports_which_pods_answered(studio: Client, live: LiveSandbox) -> None:
    studio.post("/studio/apply", {"text": SNIPPETS["Deployment"] + "---\n" + SNIPPETS["Service"]}, headers=HX)
    studio.post("/studio/time", {"action": "step", "seconds": "10"}, headers=HX)
    studio.post("/studio/time", {"action": "step", "seconds": "10"}, headers=HX)
    html = studio.post(
        "/studio/chaos", {"action": "traffic", "target": "default/web", "count": "10"}, headers=HX
    ).content.decode()
    assert "10 requests to web" in html
    assert re.search(r"web-[a-z0-9]+-[a-z0-9]+ ×\d", html)


def test_crashing_a_container_that_does_not_run_says_so(studio: Client) -> None:
    html = studio.post("/studio/chaos", {"action": "crash", "target": "default/ghost"}, headers=HX).content.decode()
    assert "no running container" in html


def test_reset_gives_a_fresh_cluster_with_a_higher_revision(studio: Client, live: LiveSandbox) -> None:
    studio.post("/studio/apply", {"text": SNIPPETS["Deployment"]}, headers=HX)
    revision = live.cluster.store.revision
    studio.post("/studio/chaos", {"action": "reset"}, headers=HX)
    assert pods(live) == []
    assert live.cluster.store.revision > revision


def test_the_inspector_shows_yaml_describe_and_the_schedulers_verdicts(studio: Client, live: LiveSandbox) -> None:
    studio.post("/studio/apply", {"text": SNIPPETS["Deployment"]}, headers=HX)
    name = pods(live)[0]["metadata"]["name"]
    query = f"/studio/inspect?kind=Pod&namespace=default&name={name}"
    assert "kind: Pod" in studio.get(query + "&tab=yaml", headers=HX).content.decode()
    assert "Name:" in studio.get(query + "&tab=describe", headers=HX).content.decode()
    html = studio.get(query + "&tab=schedule", headers=HX).content.decode()
    assert html.count('<th scope="row">') == 3
    assert "★" in html


def test_a_pending_pod_opens_on_the_schedulers_reasons(studio: Client) -> None:
    """A pod that asks for more CPU than any ship has: every ship says Insufficient cpu."""
    greedy = SNIPPETS["Pod"].replace(
        "      command:", "      resources:\n        requests:\n          cpu: '64'\n      command:"
    )
    studio.post("/studio/apply", {"text": greedy}, headers=HX)
    html = studio.get("/studio/inspect?kind=Pod&namespace=default&name=hello", headers=HX).content.decode()
    assert "Waiting in the yard" in html
    assert "Insufficient cpu" in html


def test_secret_values_stay_masked_until_revealed(studio: Client) -> None:
    studio.post("/studio/apply", {"text": SNIPPETS["Secret"]}, headers=HX)
    query = "/studio/inspect?kind=Secret&namespace=default&name=db-password&tab=yaml"
    masked = studio.get(query, headers=HX).content.decode()
    assert "s3cr3t" not in masked and "czNjcjN0" not in masked and "••••" in masked
    assert "czNjcjN0LWhhcmJvcg==" in studio.get(query + "&reveal=on", headers=HX).content.decode()


def test_inspecting_something_missing_or_malformed_is_a_message_not_a_crash(studio: Client) -> None:
    html = studio.get("/studio/inspect?kind=Pod&namespace=default&name=ghost", headers=HX).content.decode()
    assert "pods &quot;ghost&quot; not found" in html
    assert studio.get("/studio/inspect?kind=Nope&name=x", headers=HX).status_code == 400


def test_the_timeline_lists_events_and_the_students_inputs(studio: Client) -> None:
    studio.post("/studio/apply", {"text": SNIPPETS["Deployment"]}, headers=HX)
    html = studio.get("/studio/timeline", headers=HX).content.decode()
    assert "ScalingReplicaSet" in html
    assert "apply -f editor.yaml" in html
    assert 'hx-swap-oob="true"' in html


def test_replay_rebuilds_the_cluster_as_it_was_before_a_scale(studio: Client, live: LiveSandbox) -> None:
    """Apply at t0, scale to 5 ten seconds later: the view at t0+5 shows three pods, now shows five."""
    studio.post("/studio/apply", {"text": SNIPPETS["Deployment"]}, headers=HX)
    t0 = live.cluster.clock.now
    studio.post("/studio/time", {"action": "step", "seconds": "10"}, headers=HX)
    studio.post("/studio/command", {"line": "scale deployment web --replicas=5"}, headers=HX)
    studio.post("/studio/time", {"action": "step", "seconds": "10"}, headers=HX)
    cache.clear()
    before = studio.get(f"/studio/replay?t={t0 + 5}", headers=HX).content.decode()
    assert "deployment.apps/web   3/3" in before
    cache.clear()
    after = studio.get(f"/studio/replay?t={live.cluster.clock.now}", headers=HX).content.decode()
    assert "deployment.apps/web   5/5" in after


def test_replay_matches_the_live_cluster_exactly(studio: Client, live: LiveSandbox) -> None:
    """Determinism: the replayed store at 'now' equals the live store, object for object."""
    from kubelearn.studio import recording
    from kubelearn.studio.models import Recording

    studio.post("/studio/apply", {"text": SNIPPETS["Deployment"]}, headers=HX)
    studio.post("/studio/time", {"action": "step", "seconds": "1"}, headers=HX)
    victim = pods(live)[0]["metadata"]["name"]
    studio.post("/studio/chaos", {"action": "delete-pod", "target": f"default/{victim}"}, headers=HX)
    studio.post("/studio/time", {"action": "step", "seconds": "10"}, headers=HX)
    replayed = recording.state_at(Recording.objects.get(pk=live.id), live.cluster.clock.now)
    assert replayed.store.dump() == live.cluster.store.dump()


def test_every_panel_has_a_full_page_form_without_htmx(studio: Client) -> None:
    for url in ("/studio/timeline", "/studio/chaos", "/studio/replay?t=0", "/studio/inspect?kind=Node&name=x"):
        html = studio.get(url).content.decode()
        assert '<header class="site-header">' in html, url


def test_the_page_is_translated_into_chinese(studio: Client) -> None:
    html = studio.get("/studio/", headers={"accept-language": "zh-hans"}).content.decode()
    assert "应用" in html and "命令栏" in html
