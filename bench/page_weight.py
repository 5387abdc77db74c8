"""What a page ships to the browser: JavaScript + CSS, gzip-compressed (target <= 150 KB per page).

Run: ``.venv/bin/python bench/page_weight.py`` (``make bench`` runs it). Renders the lesson page
and the studio page with Django's test client, collects every ``<script src>`` and stylesheet
``<link href>`` under ``/static/``, follows ES-module ``import`` statements and ``new URL("…", import.meta.url)``
(the editor loads the vendored CodeMirror bundle lazily; it is counted all the same), and
sums each file's size after ``gzip -9`` — what a server with compression sends on a cold cache.
Fonts and images are not counted (the pages use system fonts and inline SVG).
"""

from __future__ import annotations

import gzip
import os
import re
import tempfile
from pathlib import Path

from _common import figure

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
ASSET = re.compile(r"""<(?:script[^>]*\bsrc|link[^>]*\bhref)=["'](/static/[^"'?#]+)""")
IMPORT = re.compile(
    r"""(?:^|[;\s])(?:import|export)\s[^'"]*?\bfrom\s*["']([^"']+)["']"""  # import x from "./a.js"
    r"""|(?:^|[;\s])import\s*["']([^"']+)["']"""  # import "./a.js"
    r"""|new URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url"""  # a lazily imported module's URL
)


def _imports(path: Path) -> list[Path]:
    found = []
    for match in IMPORT.finditer(path.read_text(errors="replace")):
        spec = match.group(1) or match.group(2) or match.group(3)
        if spec.startswith((".", "/static/")):
            target = STATIC / spec.removeprefix("/static/") if spec.startswith("/static/") else path.parent / spec
            found.append(target.resolve())
    return found


def assets(html: str) -> set[Path]:
    """Every static file the page loads, with module imports followed."""
    todo = [(STATIC / url.removeprefix("/static/")).resolve() for url in ASSET.findall(html)]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        if path.suffix in (".js", ".mjs"):
            todo.extend(_imports(path))
    return {p for p in seen if p.suffix in (".js", ".mjs", ".css")}


def gzip_kb(paths: set[Path]) -> float:
    return sum(len(gzip.compress(p.read_bytes(), 9)) for p in paths) / 1000


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kubelearn.settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.update(DEBUG="false", HTTPS_ONLY="false", SECRET_KEY="bench-" + "x" * 60, LOG_LEVEL="ERROR")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.SANDBOX_HOUSEKEEPER = False
    call_command("migrate", verbosity=0)
    from kubelearn.lessons.registry import registry

    client = Client(SERVER_NAME="localhost")
    lesson = registry().lessons()[0]
    for name, url in (("lesson", f"/learn/{lesson.id}/"), ("studio", "/studio/")):
        response = client.get(url, follow=True)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        files = assets(response.content.decode())
        print(f"{name}: {len(files)} files: " + ", ".join(sorted(str(p.relative_to(STATIC)) for p in files)))
        figure(f"{name} page JS+CSS gzip", gzip_kb(files), "KB", 150, "lower")


if __name__ == "__main__":
    main()
