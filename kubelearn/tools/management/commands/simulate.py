"""``manage.py simulate``: ``kubectl apply -f`` against a fresh in-memory mini cluster.

A thin shell over ``kubelearn.cluster``: it reads files (or stdin), applies each document as
``kubectl apply`` would and prints kubectl's per-object lines, lets simulated time pass, and
prints the resulting cluster. Authors use it to try manifests; tests use it as a black box.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kubelearn.cluster import Cluster
from kubelearn.cluster.kinds import KINDS
from kubelearn.cluster.objects import clone
from kubelearn.cluster.printers import Printer
from kubelearn.cluster.reports import get_all, get_kind

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?$")


def parse_duration(text: str) -> float:
    """``90``, ``90s``, ``2m``, ``1h30m`` -> seconds (Go's ``time.ParseDuration`` subset)."""
    match = _DURATION.match(text.strip())
    if not text.strip() or not match or not any(match.groups()):
        raise ValueError(f'invalid duration "{text}"')
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def collect_sources(paths: list[str]) -> list[tuple[str, bytes]]:
    """Files, directories (their manifest files, sorted, like ``kubectl apply -f DIR``) or ``-``."""
    sources: list[tuple[str, bytes]] = []
    for raw in paths:
        if raw == "-":
            sources.append(("STDIN", sys.stdin.buffer.read()))
            continue
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_file() and child.suffix in MANIFEST_SUFFIXES:
                    sources.append((str(child), child.read_bytes()))
        elif path.is_file():
            sources.append((raw, path.read_bytes()))
        else:
            raise CommandError(f'the path "{raw}" does not exist')
    return sources


class Command(BaseCommand):
    help = "Apply manifests to a fresh simulated cluster, let time pass, and print the result."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-f", "--filename", action="append", required=True, dest="files", help="file, dir or -")
        parser.add_argument("--for", dest="duration", default="0s", help="simulated time to run, e.g. 60s, 2m")
        parser.add_argument("--nodes", type=int, default=3, help="number of worker nodes (ships)")
        parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same cluster)")
        parser.add_argument("-n", "--namespace", default=None, help="namespace for objects that name none")
        parser.add_argument("-o", "--output", choices=("table", "yaml", "json"), default="table")
        parser.add_argument("--events", action="store_true", help="also print the event list (table output)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            seconds = parse_duration(options["duration"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not 0 <= options["nodes"] <= 1000:
            raise CommandError("--nodes must be between 0 and 1000")
        cluster = Cluster(seed=options["seed"], nodes=options["nodes"])
        failed = False
        for source, data in collect_sources(options["files"]):
            for result in cluster.apply_text(data, source=source, namespace=options["namespace"]):
                if result.ok:
                    self.stdout.write(result.kubectl_line())
                else:
                    failed = True
                    self.stderr.write(result.kubectl_line())
        if seconds:
            cluster.step(seconds)
        self.stdout.write("")
        self.stdout.write(self.render(cluster, options))
        if failed:
            sys.exit(1)

    @staticmethod
    def render(cluster: Cluster, options: dict[str, Any]) -> str:
        store = cluster.store
        if options["output"] in ("yaml", "json"):
            items = [clone(obj) for info in KINDS for obj in store.iter_kind(info.kind)]
            listing = {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}
            if options["output"] == "json":
                return json.dumps(listing, indent=4, ensure_ascii=False)
            return yaml.safe_dump(listing, sort_keys=False, allow_unicode=True).rstrip()
        now = cluster.clock.now
        printer = Printer(lambda stamp: now - cluster.clock.parse(stamp))
        namespace = options["namespace"]
        parts = [get_kind(store, printer, "Node", wide=False), get_all(store, printer, namespace, wide=True)]
        if options["events"]:
            parts.append(get_kind(store, printer, "Event", namespace))
        return "\n\n".join(parts)
