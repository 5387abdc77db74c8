"""Classroom views: roles, create/join/close, follow/copy/help, pacing, dashboard, isolation."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from kubelearn.classrooms import sandboxes
from kubelearn.classrooms.models import CODE_ALPHABET, Classroom, Seat
from kubelearn.live.groups import classroom_group
from kubelearn.sandboxes.runtime import runtime

pytestmark = pytest.mark.django_db

Join = Callable[[str], tuple[Client, Seat]]


def configmaps(sandbox_id: str) -> set[str]:
    live = runtime().open(sandbox_id)
    assert live is not None
    with live.lock:
        return {o["metadata"]["name"] for o in live.cluster.store.iter_kind("ConfigMap", "default")}


def test_createinstructor_puts_the_user_in_the_instructors_group() -> None:
    call_command("createinstructor", "alice", "--password", "s3cret-pass")
    user = User.objects.get(username="alice")
    assert user.groups.filter(name="instructors").exists()
    assert user.check_password("s3cret-pass")


def test_instructor_pages_need_the_role(client: Client, classroom: Classroom) -> None:
    assert client.get("/class/").status_code == 302  # anonymous: to the login page
    User.objects.create_user("bob", password="pw")
    client.login(username="bob", password="pw")
    assert client.get("/class/").status_code == 403
    assert client.get(f"/class/{classroom.code}/control").status_code == 403
    assert client.get(f"/class/{classroom.code}/dashboard").status_code == 403


def test_another_instructor_cannot_control_my_classroom(classroom: Classroom) -> None:
    other = User.objects.create_user("other")
    other.groups.add(*classroom.instructor.groups.all())
    client = Client()
    client.force_login(other)
    assert client.get(f"/class/{classroom.code}/control").status_code == 403
    assert client.post(f"/class/{classroom.code}/goto", {"lesson": "scheduling", "step": 1}).status_code == 403


def test_creating_a_classroom_gives_a_code_a_path_and_a_demo_sandbox(teacher: Client, classroom: Classroom) -> None:
    assert len(classroom.code) == 6 and set(classroom.code) <= set(CODE_ALPHABET)
    assert classroom.lesson_path == ["dispatch-center", "scheduling"]
    assert classroom.lesson_id == "dispatch-center" and classroom.demo is not None
    page = teacher.get(f"/class/{classroom.code}/control")
    assert page.status_code == 200
    assert classroom.code in page.content.decode()
    assert classroom.title in teacher.get("/class/").content.decode()


def test_joining_gives_a_student_a_seat_and_an_own_sandbox(join: Join, classroom: Classroom) -> None:
    client, seat = join("ana")
    assert seat.sandbox is not None and seat.sandbox_id != classroom.demo_id
    page = client.get(f"/class/{classroom.code}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert f"/ws/sandbox/{classroom.demo_id}/?token={classroom.demo.watch_token}" in body
    assert f"/ws/sandbox/{seat.sandbox_id}/" in body
    assert classroom.demo.access_key not in body


def test_joining_with_a_wrong_code_is_refused(client: Client, classroom: Classroom) -> None:
    response = client.post("/class/join/", {"code": "ZZZZZZ", "nickname": "x"})
    assert response.status_code == 200
    assert Seat.objects.count() == 0


def test_a_closed_room_keeps_its_data_and_refuses_changes(teacher: Client, join: Join, classroom: Classroom) -> None:
    client, _seat = join("ana")
    assert teacher.post(f"/class/{classroom.code}/close").status_code == 302
    classroom.refresh_from_db()
    assert classroom.closed_at is not None
    assert teacher.get(f"/class/{classroom.code}/dashboard").status_code == 200
    assert client.get(f"/class/{classroom.code}/").status_code == 200
    assert client.post(f"/class/{classroom.code}/run", {"line": "get pods"}).status_code == 403
    assert teacher.post(f"/class/{classroom.code}/command", {"line": "get pods"}).status_code == 403
    assert Client().post("/class/join/", {"code": classroom.code, "nickname": "late"}).status_code == 200
    assert Seat.objects.filter(classroom=classroom).count() == 1


def test_taking_a_copy_puts_the_demo_state_in_my_sandbox_and_snap_back_follows(
    teacher: Client, join: Join, classroom: Classroom
) -> None:
    client, seat = join("ana")
    client.get(f"/class/{classroom.code}/")
    teacher.post(f"/class/{classroom.code}/command", {"line": "create configmap demo-only"})
    assert "demo-only" in configmaps(classroom.demo_id)
    assert "demo-only" not in configmaps(seat.sandbox_id)
    before = runtime().open(seat.sandbox_id).cluster.store.revision
    assert client.post(f"/class/{classroom.code}/copy").status_code == 302
    assert "demo-only" in configmaps(seat.sandbox_id)
    assert runtime().open(seat.sandbox_id).cluster.store.revision > before
    seat.refresh_from_db()
    assert not seat.following
    client.post(f"/class/{classroom.code}/follow")
    seat.refresh_from_db()
    assert seat.following


def test_needs_help_toggles(join: Join, classroom: Classroom) -> None:
    client, seat = join("ana")
    client.post(f"/class/{classroom.code}/help")
    seat.refresh_from_db()
    assert seat.needs_help
    client.post(f"/class/{classroom.code}/help")
    seat.refresh_from_db()
    assert not seat.needs_help


def receive(channel: str) -> dict[str, object]:
    return async_to_sync(get_channel_layer().receive)(channel)


@pytest.fixture
def listen() -> Iterator[Callable[[Classroom], str]]:
    """Put a test channel in a classroom's group; leave the in-memory layer clean afterwards."""
    layer = get_channel_layer()
    joined: list[tuple[str, str]] = []

    def _listen(classroom: Classroom) -> str:
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(classroom_group(classroom.code), channel)
        joined.append((classroom_group(classroom.code), channel))
        return channel

    yield _listen
    for group, channel in joined:
        async_to_sync(layer.group_discard)(group, channel)


def test_pacing_broadcasts_goto_pause_projector_and_incident(
    teacher: Client, join: Join, classroom: Classroom, listen: Callable[[Classroom], str]
) -> None:
    _client, seat = join("ana")
    channel = listen(classroom)
    teacher.post(f"/class/{classroom.code}/goto", {"lesson": "dispatch-center", "step": 2})
    assert receive(channel) == {"type": "class.goto", "lesson": "dispatch-center", "step": 2}
    seat.refresh_from_db()
    assert (seat.lesson_id, seat.step_index) == ("dispatch-center", 1)
    teacher.post(f"/class/{classroom.code}/pause", {"paused": "1"})
    assert receive(channel) == {"type": "class.paused", "paused": True}
    assert runtime().open(seat.sandbox_id).paused and runtime().open(classroom.demo_id).paused
    teacher.post(f"/class/{classroom.code}/project", {"seat": seat.pk})
    assert receive(channel) == {"type": "class.projector", "sandbox_id": seat.sandbox_id}
    teacher.post(f"/class/{classroom.code}/incident", {"kind": "fail-ship"})
    assert receive(channel) == {"type": "class.incident", "kind": "fail-ship"}
    live = runtime().open(seat.sandbox_id)
    with live.lock:
        failed = [n for n in live.cluster.store.iter_kind("Node", None) if n["metadata"].get("annotations", {})]
    assert failed


def test_bad_image_incident_rolls_out_the_broken_image_to_web(join: Join, classroom: Classroom) -> None:
    client, seat = join("ana")
    client.post(f"/class/{classroom.code}/run", {"line": "create deployment web --image=nginx:1.27"})
    assert sandboxes.incident(seat.sandbox, "bad-image") == "deployment.apps/web image updated"
    live = runtime().open(seat.sandbox_id)
    with live.lock:
        web = live.cluster.store.get("Deployment", "default", "web")
    assert web["spec"]["template"]["spec"]["containers"][0]["image"] == sandboxes.BAD_IMAGE


def test_dashboard_aggregates_failing_checks_across_the_class(
    teacher: Client, join: Join, classroom: Classroom
) -> None:
    teacher.post(f"/class/{classroom.code}/goto", {"lesson": "dispatch-center", "step": 2})
    students = [join(name) for name in ("ana", "ben", "cy")]
    for client, _ in students:
        client.get(f"/class/{classroom.code}/")
    ana, _ = students[0]
    ana.post(f"/class/{classroom.code}/run", {"line": "create deployment web --image=nginx:1.27 --replicas=3"})
    page = teacher.get(f"/class/{classroom.code}/dashboard", headers={"HX-Request": "true"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "2 students:</strong> Order &quot;web&quot; submitted" in body
    ana_seat = Seat.objects.get(nickname="ana")
    assert {"label": {"en": 'Order "web" submitted', "zh": "运单 web 已提交"}, "ok": True} in ana_seat.checks


def test_a_student_cannot_drive_the_demo_or_another_students_sandbox(
    teacher: Client, join: Join, classroom: Classroom
) -> None:
    a, seat_a = join("ana")
    _b, seat_b = join("ben")
    a.post(f"/class/{classroom.code}/run", {"line": "create configmap from-a"})
    assert "from-a" in configmaps(seat_a.sandbox_id)
    assert "from-a" not in configmaps(seat_b.sandbox_id)
    assert "from-a" not in configmaps(classroom.demo_id)
    # the instructor's endpoints refuse students
    assert a.post(f"/class/{classroom.code}/command", {"line": "create configmap x"}).status_code in (302, 403)
    assert a.post(f"/class/{classroom.code}/apply", {"yaml": "kind: ConfigMap"}).status_code in (302, 403)
    assert a.post(f"/class/{classroom.code}/incident", {"kind": "fail-ship"}).status_code in (302, 403)
    assert "x" not in configmaps(classroom.demo_id)
    # a stranger without a seat gets nothing
    stranger = Client()
    assert stranger.post(f"/class/{classroom.code}/run", {"line": "get pods"}).status_code == 403
    assert stranger.get(f"/class/{classroom.code}/goal").status_code == 403
    # the demo's watch token is not a kubectl key
    assert Client().get(f"/k8s/{classroom.demo.watch_token}/api/v1/namespaces").status_code in (401, 403, 404)
    assert Client().get("/class/NOPE99/").status_code == 404


def test_the_student_page_speaks_chinese(join: Join, classroom: Classroom) -> None:
    client, _ = join("ana")
    client.cookies["django_language"] = "zh-hans"
    body = client.get(f"/class/{classroom.code}/", headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "讲师的演示（只读）" in body and "回到跟随模式" not in body  # following: no snap-back button


def test_projector_narrates_the_latest_events_as_sentences(teacher: Client, classroom: Classroom) -> None:
    teacher.post(f"/class/{classroom.code}/command", {"line": "create deployment demo --image=nginx:1.27"})
    live = runtime().open(classroom.demo_id)
    with live.lock:
        live.cluster.run_until_idle(limit=60)
    assert teacher.get(f"/class/{classroom.code}/projector").status_code == 200
    body = teacher.get(f"/class/{classroom.code}/projector/narration").content.decode()
    assert "started its container." in body
    zh = teacher.get(f"/class/{classroom.code}/projector/narration", headers={"Accept-Language": "zh-hans"})
    assert "启动了它的集装箱" in zh.content.decode()
