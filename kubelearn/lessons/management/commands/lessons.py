"""``manage.py lessons check|test|schema``: the authors' tools (CI runs check and test).

* ``lessons check [PATH ...]`` validates lesson files (default: every file in LESSONS_DIR) and
  prints ``file:line:col: message`` per problem, manifests included; exit status 1 on any.
* ``lessons test [ID ...]`` plays each lesson on fresh clusters (``runner.play_lesson``):
  solutions must pass every check, wrong answers must not; exit status 1 on any failure.
* ``lessons schema`` prints the JSON Schema (``> docs/lesson.schema.json``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kubelearn.lessons import jsonschema
from kubelearn.lessons.loader import Problem, duplicate_ids, load_file, load_partial, read_text
from kubelearn.lessons.registry import SUFFIXES
from kubelearn.lessons.runner import play_lesson
from kubelearn.lessons.schema import Lesson
from kubelearn.lessons.validate import check_manifests


def lesson_files(paths: list[str]) -> list[Path]:
    """The files named, the lesson files of directories named, or every file in LESSONS_DIR."""
    targets = [Path(p) for p in paths] or [Path(settings.LESSONS_DIR)]
    files: list[Path] = []
    for target in targets:
        if target.is_dir():
            files += sorted(p for p in target.iterdir() if p.suffix in SUFFIXES and p.is_file())
        elif target.exists():
            files.append(target)
        else:
            raise CommandError(f"{target}: no such file or directory")
    return files


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def check_files(files: list[Path]) -> list[Problem]:
    problems: list[Problem] = []
    lessons: list[Lesson] = []
    for path in files:
        text, read_problems = read_text(path, display(path))
        if text is None:
            problems += read_problems
            continue
        lesson, found = load_partial(text, display(path))
        if lesson is not None:
            found = sorted(found + check_manifests(lesson), key=lambda p: (p.mark.line, p.mark.column))
            lessons.append(lesson)
        problems += found
    return problems + duplicate_ids(lessons)


class Command(BaseCommand):
    help = "Check lesson files, test lessons against fresh clusters, or print the lesson JSON Schema."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="validate lesson files; prints file:line:col: message")
        check.add_argument("paths", nargs="*", help="files or directories (default: LESSONS_DIR)")
        test = sub.add_parser("test", help="apply solutions and wrong answers on fresh clusters")
        test.add_argument("ids", nargs="*", help="lesson ids (default: all)")
        sub.add_parser("schema", help="print the JSON Schema of the lesson format")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "schema":
            self.stdout.write(jsonschema.text(), ending="")
        elif action == "check":
            self.run_check(options["paths"])
        else:
            self.run_test(options["ids"])

    def run_check(self, paths: list[str]) -> None:
        files = lesson_files(paths)
        problems = check_files(files)
        for problem in problems:
            self.stdout.write(str(problem))
        if problems:
            raise SystemExit(1)
        self.stderr.write(f"{len(files)} lesson file(s) OK")

    def run_test(self, ids: list[str]) -> None:
        lessons: dict[str, Lesson] = {}
        broken = False
        for path in lesson_files([]):
            lesson, problems = load_file(path, display(path))
            for problem in problems:
                self.stdout.write(str(problem))
            broken = broken or bool(problems)
            if lesson is not None:
                lessons.setdefault(lesson.id, lesson)
        unknown = [i for i in ids if i not in lessons]
        if unknown:
            raise CommandError(f"unknown lesson id(s): {', '.join(unknown)}")
        failed = broken
        for lesson in sorted(lessons.values(), key=lambda item: (item.order, item.id)):
            if ids and lesson.id not in ids:
                continue
            report = play_lesson(lesson)
            self.stdout.write(f"{lesson.id}: {'ok' if report.ok else 'FAIL'}")
            for step in report.steps:
                for line in step.lines:
                    self.stdout.write(f"  {step.step}: {line}")
            failed = failed or not report.ok
        if failed:
            raise SystemExit(1)
