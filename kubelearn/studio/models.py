"""The recording of a sandbox: where its history started and every input since, with sim times.

The simulation is deterministic, so a base snapshot plus the ordered inputs (applied
manifests, kubectl commands, chaos actions, each with the simulated second it happened)
rebuild the cluster at any earlier time T. One row per sandbox; a reset starts a new one.
"""

from __future__ import annotations

from django.db import models


class Recording(models.Model):
    sandbox = models.OneToOneField(
        "sandboxes.Sandbox", primary_key=True, on_delete=models.CASCADE, related_name="studio_recording"
    )
    base = models.JSONField()  # Cluster.snapshot() when the recording started
    entries = models.JSONField(default=list)  # [{"t": seconds, "op": ..., ...}, ...]
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"recording of {self.sandbox_id} ({len(self.entries)} inputs)"
