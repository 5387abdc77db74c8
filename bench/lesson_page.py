"""Server time of the lesson page (target p50 <= 15 ms) and of the goal fragment, via Django's test client."""

from __future__ import annotations

import os
import statistics
import tempfile
import time

from _common import figure, pin_to_one_core


def main() -> None:
    pin_to_one_core()
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

    lesson = registry().lessons()[0]
    client = Client(SERVER_NAME="localhost")
    url = f"/learn/{lesson.id}/"
    client.get(url)
    client.get(url + "goal?step=1")
    for path, metric, target in ((url, "lesson page p50", 15.0), (url + "goal?step=1", "goal fragment p50", 50.0)):
        times = []
        for _ in range(100):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        figure(metric, statistics.median(times), "ms", target, "lower")


if __name__ == "__main__":
    main()
