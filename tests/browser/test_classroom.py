"""A classroom in real browsers: an instructor and two students follow one demo; the dashboard sees progress.

Runs against the live daphne server: the instructor signs in (made with ``manage.py
createinstructor`` in the live server's database), creates a classroom and drives the demo;
two students join in their own browser contexts and watch the demo beside their own
sandbox. Screenshots go to artifacts/screenshots/classroom-*.png.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, expect

pytestmark = pytest.mark.browser

LIVE = 15_000
SOLUTION = "create deployment web --image=nginx:1.27 --replicas=3"


@pytest.fixture
def contexts(browser: Browser) -> Iterator[Callable[[], Page]]:
    """New pages, each in its own browser context (own cookies); console errors fail the test."""
    opened: list[BrowserContext] = []
    problems: list[str] = []

    def new_page() -> Page:
        context = browser.new_context(viewport={"width": 1400, "height": 950}, locale="en-US")
        opened.append(context)
        page = context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                problems.append(f"console error: {message.text} at {message.location.get('url')}")

        def on_error(error: Error) -> None:
            problems.append(f"page error: {error}")

        page.on("console", on_console)
        page.on("pageerror", on_error)
        return page

    yield new_page
    for context in opened:
        context.close()
    assert problems == []


@pytest.fixture
def instructor_login(
    live_server_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    repo_root: Path,
    make_env: Callable[..., dict[str, str]],
) -> tuple[str, str]:
    """An instructor account in the live server's database."""
    databases = sorted(tmp_path_factory.getbasetemp().glob("live-server*/db.sqlite3"))
    assert databases, "the live server's database was not found"
    env = make_env(DATABASE_URL=f"sqlite:///{databases[-1]}", DEBUG="true")
    subprocess.run(
        [sys.executable, "manage.py", "createinstructor", "teacher", "--password", "class-room-42"],
        cwd=repo_root,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    return "teacher", "class-room-42"


def run_kubectl(page: Page, console: str, line: str) -> None:
    page.locator(f"#line-{console}").fill(line)
    page.locator(f"#line-{console}").press("Enter")
    expect(page.locator(f"#console-out-{console} .class-output").first).to_contain_text(line)


def test_two_students_follow_the_demo_and_the_dashboard_sees_a_check_turn_green(
    contexts: Callable[[], Page], live_server_url: str, instructor_login: tuple[str, str], screenshot_dir: Path
) -> None:
    url = live_server_url
    teacher = contexts()
    teacher.goto(f"{url}/class/")
    teacher.locator("#id_username").fill(instructor_login[0])
    teacher.locator("#id_password").fill(instructor_login[1])
    teacher.get_by_role("button", name="Sign in").click()
    teacher.locator("#id_title").fill("Friday workshop")
    teacher.locator("#id_lessons").select_option(["dispatch-center", "scheduling"])
    teacher.get_by_role("button", name="Create classroom").click()
    code = teacher.locator(".join-code--big").inner_text().strip()
    assert len(code) == 6
    teacher.locator("input[name=step]").fill("2")
    teacher.locator("#goto").click()
    expect(teacher.locator(".class-view .cluster-view__status")).to_have_text("Live", timeout=LIVE)

    students = []
    for nickname in ("ana", "ben"):
        student = contexts()
        student.goto(f"{url}/class/join/?code={code}")
        student.locator("#id_nickname").fill(nickname)
        student.get_by_role("button", name="Join").click()
        expect(student.locator("#step-title")).to_contain_text("Submit your first standing order")
        expect(student.locator(".class-view--demo .cluster-view__status")).to_have_text("Live", timeout=LIVE)
        expect(student.locator(".class-view--own .cluster-view__status")).to_have_text("Live", timeout=LIVE)
        students.append(student)

    # the instructor's change reaches both students' demo pictures
    run_kubectl(teacher, "demo", "create deployment demo --image=nginx:1.27 --replicas=2")
    for student in students:
        expect(student.locator(".class-view--demo .cv-pod")).to_have_count(2, timeout=LIVE)
        expect(student.locator(".class-view--own .cv-pod")).to_have_count(0)
    expect(teacher.locator(".class-view .cv-pod.pod--running")).to_have_count(2, timeout=LIVE)
    teacher.screenshot(path=screenshot_dir / "classroom-control.png", full_page=True)

    # ana applies the step's solution in her own sandbox; her goal panel turns green
    ana, ben = students
    run_kubectl(ana, "mine", SOLUTION)
    expect(ana.locator("#goal .check.is-ok")).to_have_count(2, timeout=30_000)
    expect(ana.locator(".class-view--own .cv-pod")).to_have_count(3)
    ben.locator("#help-form button").click()
    expect(ben.locator("#help-form button")).to_have_attribute("aria-pressed", "true")
    ana.screenshot(path=screenshot_dir / "classroom-student.png", full_page=True)

    dashboard = teacher.context.new_page()
    dashboard.goto(f"{url}/class/{code}/dashboard")
    expect(dashboard.locator("tr[data-seat=ana] .mini-checks .is-ok")).to_have_count(2, timeout=LIVE)
    expect(dashboard.locator("tr[data-seat=ben] .mini-checks .is-pending")).to_have_count(2)
    expect(dashboard.locator("tr[data-seat=ben]")).to_have_class("needs-help")
    expect(dashboard.locator(".aggregate")).to_contain_text('1 student: Order "web" submitted')
    dashboard.screenshot(path=screenshot_dir / "classroom-dashboard.png", full_page=True)

    projector = teacher.context.new_page()
    projector.set_viewport_size({"width": 1600, "height": 900})
    projector.goto(f"{url}/class/{code}/projector")
    expect(projector.locator(".cluster-view--projector .cv-pod")).to_have_count(2, timeout=LIVE)
    expect(projector.locator(".narration__lines li").first).to_be_visible(timeout=LIVE)
    projector.screenshot(path=screenshot_dir / "classroom-projector.png")

    # pacing: everyone go to step 3; the students' pages follow on their own
    teacher.bring_to_front()
    teacher.locator("input[name=step]").fill("3")
    teacher.locator("#goto").click()
    for student in students:
        expect(student).to_have_url(f"{url}/class/{code}/?lesson=dispatch-center&step=3", timeout=LIVE)
        expect(student.locator(".eyebrow")).to_contain_text("step 3 of")
