"""``manage.py sandbox kubeconfig|show|list|delete``: sandboxes from the command line.

``kubeconfig NAME`` creates the sandbox if it is missing and prints a kubeconfig for it (like
``kind get kubeconfig``); ``show NAME`` prints one JSON object with its id, the watch page,
the WebSocket URL and the kubeconfig server; ``list`` and ``delete NAME`` do what they say.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_slug

from kubelearn.sandboxes import kubeconfig
from kubelearn.sandboxes.models import Sandbox
from kubelearn.sandboxes.provision import delete_sandbox, get_or_create_named


class Command(BaseCommand):
    help = "Create sandboxes and print their kubeconfig, show, list or delete them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for action, text in (
            ("kubeconfig", "print a kubeconfig for NAME, creating the sandbox if it does not exist"),
            ("show", "print NAME's id, watch page, WebSocket URL and API server as JSON"),
            ("delete", "delete the sandbox NAME and everything in it"),
        ):
            cmd = sub.add_parser(action, help=text)
            cmd.add_argument("name")
            if action != "delete":
                cmd.add_argument("--server", default=kubeconfig.DEFAULT_SERVER, help="this site's base URL")
        sub.add_parser("list", help="list sandboxes")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list()
            return
        name = options["name"]
        if action == "kubeconfig":
            try:
                validate_slug(name)
            except ValidationError as exc:
                raise CommandError(f'invalid sandbox name "{name}": use letters, digits, "-" and "_"') from exc
            row, _created = get_or_create_named(name)
            self.stdout.write(kubeconfig.kubeconfig(row, options["server"]), ending="")
            return
        row = Sandbox.objects.filter(name=name).first()
        if row is None:
            raise CommandError(f'sandbox "{name}" not found')
        if action == "show":
            self.stdout.write(json.dumps(kubeconfig.describe(row, options["server"])))
        else:
            delete_sandbox(row)
            self.stdout.write(f'sandbox "{name}" deleted')

    def _list(self) -> None:
        rows = list(Sandbox.objects.all())
        if not rows:
            self.stdout.write("No sandboxes found.")
            return
        width = max(4, *(len(r.name) for r in rows))
        self.stdout.write(f"{'NAME':<{width}}   ID             OWNER     UPDATED")
        for row in rows:
            owner = "user" if row.user_id else "session" if row.session_key else "-"
            updated = row.updated.strftime("%Y-%m-%dT%H:%M:%SZ")
            self.stdout.write(f"{row.name:<{width}}   {row.id:<12}   {owner:<7}   {updated}")
