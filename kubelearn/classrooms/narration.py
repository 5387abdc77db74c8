"""Events as sentences for the projector: what the cluster just did, in the room's language.

Mirrors ``kubectl events`` (reason + message of the newest Events) but says it the way an
instructor would, for the reasons a lesson usually shows; anything else falls back to the
event's own message.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


#: reason -> sentence template with {kind} {name} {node} {message}
def _templates() -> dict[str, str]:
    return {
        "Scheduled": _("The scheduler put %(name)s on a ship."),
        "Pulling": _("%(name)s is pulling its image."),
        "Pulled": _("%(name)s has its image."),
        "Created": _("%(name)s created its container."),
        "Started": _("%(name)s started its container."),
        "Killing": _("%(name)s is being stopped."),
        "BackOff": _("%(name)s keeps failing; the kubelet waits before trying again."),
        "Failed": _("%(name)s failed: %(message)s"),
        "FailedScheduling": _("No ship has room for %(name)s yet."),
        "SuccessfulCreate": _("%(name)s created a new pod."),
        "SuccessfulDelete": _("%(name)s removed a pod."),
        "ScalingReplicaSet": _("%(name)s changed its number of pods."),
        "NodeNotReady": _("Ship %(name)s stopped answering."),
        "NodeReady": _("Ship %(name)s is ready."),
    }


def sentence(event: dict[str, Any]) -> str:
    obj = event.get("involvedObject") or event.get("regarding") or {}
    name = f"{str(obj.get('kind', '')).lower()}/{obj.get('name', '')}".strip("/")
    reason = str(event.get("reason") or "")
    message = str(event.get("message") or event.get("note") or "")
    template = _templates().get(reason)
    if template is None:
        return f"{name}: {message}" if message else name
    return template % {"name": name, "message": message}
