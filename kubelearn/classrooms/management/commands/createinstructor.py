"""``manage.py createinstructor USERNAME [--password P]``: a user in the "instructors" group."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser

from kubelearn.classrooms.models import INSTRUCTORS_GROUP


class Command(BaseCommand):
    help = 'Create (or promote) a user in the "instructors" group.'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", help="the password (default: a random one, printed)")

    def handle(self, *args: Any, **options: Any) -> None:
        user, created = get_user_model().objects.get_or_create(username=options["username"])
        password = options.get("password")
        if created or password:
            shown = password or secrets.token_urlsafe(12)
            user.set_password(shown)
            user.save()
            if not password:
                self.stdout.write(f"password: {shown}")
        group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
        user.groups.add(group)
        verb = "created" if created else "updated"
        self.stdout.write(self.style.SUCCESS(f"instructor {user.get_username()} {verb}"))
