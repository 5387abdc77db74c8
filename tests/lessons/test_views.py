"""The lesson pages through the Django test client, with and without htmx."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings

from kubelearn.lessons.jsonschema import text as schema_text
from kubelearn.lessons.models import Progress

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
URL = "/learn/scaling-demo/"
SOLUTION = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 5
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
"""


def test_the_course_map_lists_lessons_in_the_current_language(client: Client, lessons_dir: Path) -> None:
    html = client.get("/learn/").content.decode()
    assert "Scaling" in html and 'href="/learn/scaling-demo/"' in html
    html = client.get("/learn/", headers={"accept-language": "zh-hans"}).content.decode()
    assert "扩容" in html and "Grow the web fleet" not in html


def test_the_lesson_page_is_a_full_page_and_only_the_body_for_htmx(client: Client, lessons_dir: Path) -> None:
    full = client.get(URL).content.decode()
    assert "<html" in full and "site-header" in full
    assert "Scale <strong>web</strong> to 5 replicas." in full
    assert 'hx-get="/learn/scaling-demo/goal?step=1"' in full
    fragment = client.get(URL, headers=HX).content.decode()
    assert "<html" not in fragment and "site-header" not in fragment
    assert "Scale <strong>web</strong> to 5 replicas." in fragment


def test_the_page_does_no_simulation_and_few_queries(
    client: Client, lessons_dir: Path, django_assert_max_num_queries: Any
) -> None:
    """GET of the page never touches the sandbox (the goal fragment does); bench/lesson_page.py times it."""
    from kubelearn.sandboxes.models import Sandbox

    client.get(URL)
    with django_assert_max_num_queries(3):
        assert client.get(URL).status_code == 200
    assert Sandbox.objects.count() == 0


def test_the_goal_panel_ticks_checks_after_an_apply(client: Client, lessons_dir: Path) -> None:
    goal = client.get(URL + "goal?step=1", headers=HX).content.decode()
    assert goal.count("is-pending") == 2
    assert "spec.replicas is 2" in goal and "Change replicas." in goal
    response = client.post(URL + "apply", {"text": SOLUTION, "step": "1"}, headers=HX)
    assert response["HX-Trigger"] == "goal-changed"
    assert "deployment.apps/web configured" in response.content.decode()
    goal = client.get(URL + "goal?step=1", headers=HX).content.decode()
    assert "spec.replicas is 5" in goal
    from kubelearn.sandboxes.provision import SESSION_KEY
    from kubelearn.sandboxes.runtime import runtime

    live = runtime().open(client.session[SESSION_KEY])
    with live.lock:
        live.cluster.step(60)
    goal = client.get(URL + "goal?step=1", headers=HX).content.decode()
    assert goal.count("is-ok") == 2 and "Next step" in goal
    assert Progress.objects.get().completed_steps == ["scale-up"]


def test_hints_open_one_at_a_time_and_the_solution_can_be_applied(client: Client, lessons_dir: Path) -> None:
    client.get(URL)
    html = client.post(URL + "hint", {"step": "1"}, headers=HX).content.decode()
    assert "Use kubectl scale." in html and "Another hint" not in html
    solution = client.get(URL + "solution?step=1", headers=HX).content.decode()
    assert "replicas: 5" in solution
    applied = client.post(URL + "solution/apply", {"step": "1"}, headers=HX)
    assert "deployment.apps/web configured" in applied.content.decode()


def test_a_quiz_records_answers_and_passes_the_quiz_check(client: Client, lessons_dir: Path) -> None:
    client.get(URL + "?step=2")
    wrong = client.post(URL + "quiz", {"step": "2", "q0": "0"}, headers=HX).content.decode()
    assert "Not quite" in wrong
    right = client.post(URL + "quiz", {"step": "2", "q0": "1"}, headers=HX).content.decode()
    assert "The controller keeps reconciling." in right
    goal = client.get(URL + "goal?step=2", headers=HX).content.decode()
    assert "is-ok" in goal and "You finished the course!" in goal


def test_switching_language_keeps_the_lesson_and_step(client: Client, lessons_dir: Path) -> None:
    html = client.get(URL + "?step=2").content.decode()
    assert 'name="next" value="/learn/scaling-demo/?step=2"' in html
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/learn/scaling-demo/?step=2"})
    assert response["Location"] == "/learn/scaling-demo/?step=2"
    html = client.get(response["Location"]).content.decode()
    assert "谁负责保持副本数？" in html


def test_progress_survives_in_a_new_client_with_the_same_session(client: Client, lessons_dir: Path) -> None:
    client.get(URL + "?step=2")
    other = Client()
    other.cookies["sessionid"] = client.cookies["sessionid"].value
    html = other.get(URL).content.decode()
    assert 'aria-current="step">2.' in html
    assert Client().get(URL).content.decode().count('aria-current="step">1.') == 1


def test_progress_moves_to_the_account_at_login(client: Client, lessons_dir: Path) -> None:
    client.get(URL + "?step=2")
    user = User.objects.create_user("ada", password="pw-for-tests-only")
    client.force_login(user)
    row = Progress.objects.get()
    assert (row.user, row.learner, row.step_index) == (user, "", 1)


def test_progress_exports_as_json_and_imports_into_another_learner(client: Client, lessons_dir: Path) -> None:
    client.get(URL + "?step=2")
    client.post(URL + "quiz", {"step": "2", "q0": "1"}, headers=HX)
    response = client.get("/learn/progress/export")
    assert response["Content-Disposition"] == 'attachment; filename="kubelearn-progress.json"'
    data = json.loads(response.content)
    assert data == {
        "format": "kubelearn-progress",
        "version": 1,
        "lessons": {
            "scaling-demo": {"step": 1, "completed_steps": [], "quiz_answers": {"quiz": [1]}, "completed": False}
        },
    }
    other = Client()
    upload = SimpleUploadedFile("p.json", response.content, content_type="application/json")
    assert other.post("/learn/progress/import", {"file": upload}).status_code == 302
    assert "Imported progress for 1 lessons." in other.get("/learn/").content.decode()
    assert Progress.objects.filter(quiz_answers={"quiz": [1]}).count() == 2
    bad = SimpleUploadedFile("p.json", b'{"format": "other"}', content_type="application/json")
    other.post("/learn/progress/import", {"file": bad})
    assert "Could not import progress" in other.get("/learn/").content.decode()


def test_the_preview_shows_problems_next_to_their_lines(client: Client, lessons_dir: Path, settings: Settings) -> None:
    settings.DEBUG = True  # the preview is for authors: DEBUG or staff only
    broken = (Path(__file__).parent / "fixtures" / "bad-manifest.yaml").read_text(encoding="utf-8")
    (lessons_dir / "02-bad-manifest.yaml").write_text(broken, encoding="utf-8")
    html = client.get("/learn/preview/bad-manifest/").content.decode()
    assert "2 problems" in html
    assert '<li id="L15" class="has-problem">' in html
    assert "15:5: start manifests: Error from server (Invalid)" in html
    assert "No problems found." in client.get("/learn/preview/scaling-demo/").content.decode()


def test_the_json_schema_is_served_and_matches_the_docs_copy(client: Client, lessons_dir: Path) -> None:
    response = client.get("/learn/schema.json")
    assert response["Content-Type"].startswith("application/schema+json")
    docs = Path(__file__).resolve().parents[2] / "docs" / "lesson.schema.json"
    assert response.content.decode() == schema_text() == docs.read_text(encoding="utf-8")


def test_unknown_lessons_are_404(client: Client, lessons_dir: Path) -> None:
    assert client.get("/learn/nope/").status_code == 404
    assert client.get("/learn/nope/goal").status_code == 404


def test_a_chinese_learner_gets_the_page_and_the_goal_panel_in_chinese(client: Client, lessons_dir: Path) -> None:
    zh = {"accept-language": "zh-hans"}
    html = client.get(URL, headers=zh).content.decode()
    assert "把 <strong>web</strong> 扩到 5 个副本。" in html and "目标" in html and "课程地图" in html
    goal = client.get(URL + "goal?step=1", headers={**zh, **HX}).content.decode()
    assert "spec.replicas 现在是 2" in goal and "改 replicas。" in goal
