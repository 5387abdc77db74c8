"""Classroom fixtures: an instructor, a classroom on the first lesson, students who joined it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client

from kubelearn.classrooms.models import INSTRUCTORS_GROUP, Classroom, Seat
from kubelearn.sandboxes import persistence
from kubelearn.sandboxes.runtime import runtime

LESSON = "dispatch-center"


@pytest.fixture(autouse=True)
def _clean_runtime(db: None) -> Iterator[None]:
    cache.clear()
    yield
    for sandbox_id in runtime().live_ids():
        persistence.forget(sandbox_id)


@pytest.fixture
def instructor(db: None) -> User:
    user = User.objects.create_user("teacher", password="pw-teacher-1")
    user.groups.add(Group.objects.get_or_create(name=INSTRUCTORS_GROUP)[0])
    return user


@pytest.fixture
def teacher(instructor: User) -> Client:
    client = Client()
    client.force_login(instructor)
    return client


@pytest.fixture
def classroom(teacher: Client) -> Classroom:
    response = teacher.post("/class/", {"title": "Morning class", "lessons": [LESSON, "scheduling"]})
    assert response.status_code == 302
    return Classroom.objects.get(title="Morning class")


@pytest.fixture
def join(classroom: Classroom) -> Callable[[str], tuple[Client, Seat]]:
    def _join(nickname: str) -> tuple[Client, Seat]:
        client = Client()
        response = client.post("/class/join/", {"code": classroom.code.lower(), "nickname": nickname})
        assert response.status_code == 302, response.content
        return client, Seat.objects.get(classroom=classroom, nickname=nickname)

    return _join
