"""Learners may sign up or in; their anonymous progress moves into the account."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from kubelearn.lessons.models import Progress

pytestmark = pytest.mark.django_db


def test_signing_up_logs_in_and_moves_the_sessions_progress_to_the_account(client: Client, settings) -> None:
    settings.LESSONS_DIR = Path(__file__).resolve().parents[2] / "lessons"
    client.get("/learn/dispatch-center/?step=2")
    assert Progress.objects.filter(user__isnull=True).count() == 1
    response = client.post(
        "/accounts/signup/",
        {
            "username": "mei",
            "password1": "a-long-pass-phrase-77",
            "password2": "a-long-pass-phrase-77",
            "next": "/learn/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/learn/"
    user = User.objects.get(username="mei")
    row = Progress.objects.get()
    assert (row.user, row.lesson_id) == (user, "dispatch-center")
    assert "Sign out" in client.get("/").content.decode()


def test_sign_in_refuses_bad_passwords_and_never_redirects_off_site(client: Client) -> None:
    User.objects.create_user("ada", password="pw-for-tests-only")
    bad = client.post("/accounts/login/", {"username": "ada", "password": "nope"})
    assert bad.status_code == 200
    assert "Please enter a correct username and password" in bad.content.decode()
    good = client.post(
        "/accounts/login/", {"username": "ada", "password": "pw-for-tests-only", "next": "https://evil.example/"}
    )
    assert good["Location"] == "/learn/"


def test_sign_out_is_a_post_with_csrf(client: Client) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/accounts/logout/").status_code == 403
    assert client.get("/accounts/logout/").status_code == 405
