"""All lessons of the course, parsed once and kept in memory; reloaded when a file changes.

``registry()`` returns the process-wide ``Registry`` for ``settings.LESSONS_DIR``. With
``DEBUG`` on, each call looks at the directory's files and re-parses only those whose
modification time or size changed (authors see an edit on the next page load); in production
the files are read once. A file that fails to load is kept as a ``Broken`` entry so the course
map and the preview page can show its problems instead of the lesson disappearing silently.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from .loader import Problem, duplicate_ids, load_file
from .schema import Lesson

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Entry:
    path: Path
    stamp: tuple[int, int]
    lesson: Lesson | None
    problems: tuple[Problem, ...]

    @property
    def key(self) -> str:
        """The lesson id, or for a broken file its name without the ``NN-`` prefix."""
        if self.lesson is not None:
            return self.lesson.id
        stem = self.path.stem
        return stem.split("-", 1)[1] if stem[:2].isdigit() and "-" in stem else stem


@dataclass
class Registry:
    directory: Path
    watch: bool = True
    _entries: dict[Path, Entry] = field(default_factory=dict)
    _lessons: list[Lesson] = field(default_factory=list)
    _by_id: dict[str, Lesson] = field(default_factory=dict)
    _problems: list[Problem] = field(default_factory=list)
    _loaded: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def files(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(p for p in self.directory.iterdir() if p.suffix in SUFFIXES and p.is_file())

    def refresh(self) -> None:
        if self._loaded and not self.watch:
            return
        with self._lock:
            changed = not self._loaded
            current: dict[Path, Entry] = {}
            for path in self.files():
                stat = path.stat()
                stamp = (stat.st_mtime_ns, stat.st_size)
                entry = self._entries.get(path)
                if entry is None or entry.stamp != stamp:
                    lesson, problems = load_file(path, _display(path))
                    entry = Entry(path, stamp, lesson, tuple(problems))
                    changed = True
                current[path] = entry
            if changed or current.keys() != self._entries.keys():
                self._entries = current
                self._rebuild()
            self._loaded = True

    def _rebuild(self) -> None:
        good = [e.lesson for e in self._entries.values() if e.lesson is not None]
        dupes = duplicate_ids(good)
        dupe_paths = {p.mark.file for p in dupes}
        self._problems = [p for e in self._entries.values() for p in e.problems] + dupes
        lessons = [lesson for lesson in good if lesson.path not in dupe_paths]
        self._lessons = sorted(lessons, key=lambda lesson: (lesson.order, lesson.id))
        self._by_id = {lesson.id: lesson for lesson in self._lessons}

    def lessons(self) -> list[Lesson]:
        self.refresh()
        return self._lessons

    def get(self, lesson_id: str) -> Lesson | None:
        self.refresh()
        return self._by_id.get(lesson_id)

    def entry(self, key: str) -> Entry | None:
        self.refresh()
        return next((e for e in self._entries.values() if e.key == key), None)

    def problems(self) -> list[Problem]:
        self.refresh()
        return self._problems

    def next_of(self, lesson: Lesson) -> Lesson | None:
        lessons = self.lessons()
        index = next((i for i, item in enumerate(lessons) if item.id == lesson.id), None)
        return lessons[index + 1] if index is not None and index + 1 < len(lessons) else None


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


_REGISTRIES: dict[tuple[Path, bool], Registry] = {}
_GLOBAL_LOCK = threading.Lock()


def registry() -> Registry:
    """The registry for ``settings.LESSONS_DIR`` (watching files when ``DEBUG``)."""
    from django.conf import settings

    key = (Path(settings.LESSONS_DIR), bool(settings.DEBUG))
    with _GLOBAL_LOCK:
        found = _REGISTRIES.get(key)
        if found is None:
            found = _REGISTRIES[key] = Registry(key[0], watch=key[1])
    return found
