"""The Sandbox row: who owns a mini cluster, its secrets, and the last snapshot of its store.

The live ``Cluster`` sits in memory (``runtime.py``); this row is what survives a restart.
Two secrets, two powers:

* ``access_key`` drives the cluster. The kubeconfig carries it in the server URL
  (``<server>/k8s/<access-key>``) because kubectl sends no bearer token over plain http.
  Lookups go through ``access_key_sha256`` (indexed) and compare with
  ``hmac.compare_digest``. The key itself is kept too, so ``manage.py sandbox kubeconfig
  NAME`` and the sandbox page can hand the same kubeconfig out again. Trade-off: a database
  leak reveals working keys. These are throwaway teaching clusters with quotas, and the owner
  already sees the key on their page, so being able to re-issue the same kubeconfig is worth
  more here than hash-only storage; rotate a key by deleting and recreating the sandbox.
* ``watch_token`` only lets its holder watch (the page and WebSocket URLs carry it).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

from django.conf import settings
from django.db import models

from .snapshots import SnapshotEncoder

ID_ALPHABET = string.ascii_lowercase + string.digits
ID_LENGTH = 12


def new_id() -> str:
    """A short random slug: 12 characters of [a-z0-9] (62 bits), URL- and group-name-safe."""
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


def new_secret() -> str:
    return secrets.token_urlsafe(24)


def key_digest(access_key: str) -> str:
    return hashlib.sha256(access_key.encode()).hexdigest()


class Sandbox(models.Model):
    id = models.CharField(primary_key=True, max_length=ID_LENGTH, default=new_id, editable=False)
    name = models.SlugField(max_length=63, unique=True)
    session_key = models.CharField(max_length=64, blank=True, default="", db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="sandboxes"
    )
    access_key = models.CharField(max_length=64, default=new_secret, editable=False)
    access_key_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    watch_token = models.CharField(max_length=64, default=new_secret, editable=False)
    speed = models.FloatField(default=1.0)
    paused = models.BooleanField(default=False)
    snapshot = models.JSONField(null=True, blank=True, encoder=SnapshotEncoder)  # snapshots.py: pre-encoded
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.access_key_sha256 = key_digest(self.access_key)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def watch_token_matches(self, token: str) -> bool:
        return bool(token) and hmac.compare_digest(self.watch_token.encode(), token.encode())

    @classmethod
    def by_access_key(cls, access_key: str) -> Sandbox | None:
        """The sandbox whose key this is (indexed digest lookup, then a constant-time compare)."""
        if not access_key or len(access_key) > 64:
            return None
        row = cls.objects.filter(access_key_sha256=key_digest(access_key)).first()
        if row is None or not hmac.compare_digest(row.access_key.encode(), access_key.encode()):
            return None
        return row
