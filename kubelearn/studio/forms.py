"""Forms of the workbench: every input is bounded and validated before it reaches the cluster."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .services import CHAOS_ACTIONS, SPEEDS, STEPS
from .snippets import SNIPPETS

MAX_MANIFEST_BYTES = 256 * 1024
MAX_COMMAND_CHARS = 2000
NAME = r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$"


class ApplyForm(forms.Form):
    text = forms.CharField(strip=False, required=False, widget=forms.Textarea)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if len(text.encode("utf-8")) > MAX_MANIFEST_BYTES:
            raise ValidationError(_("The manifest is larger than 256 KiB."), code="too_large")
        if not text.strip():
            raise ValidationError(_("The editor is empty: write a manifest or insert a starter."), code="empty")
        return text


class CommandForm(forms.Form):
    line = forms.CharField(max_length=MAX_COMMAND_CHARS)


class TimeForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("pause", "resume", "step", "speed")])
    speed = forms.TypedChoiceField(choices=[(str(s), str(s)) for s in SPEEDS], coerce=float, required=False)
    seconds = forms.TypedChoiceField(choices=[(str(s), str(s)) for s in STEPS], coerce=int, required=False)


class ChaosForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in CHAOS_ACTIONS])
    target = forms.CharField(max_length=317, required=False)  # "namespace/name" or a ship's name
    count = forms.IntegerField(min_value=1, max_value=100, required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        namespace, _sep, name = str(data.get("target") or "").rpartition("/")
        data["namespace"], data["name"] = namespace or "default", name
        if data.get("action") not in ("add-node", "reset", None) and not name:
            raise ValidationError(_("Choose what to aim at first."), code="no_target")
        data["count"] = data.get("count") or 10
        return data


class InspectForm(forms.Form):
    kind = forms.ChoiceField(choices=[])
    namespace = forms.RegexField(regex=NAME, required=False, max_length=63)
    name = forms.RegexField(regex=NAME, max_length=253)
    tab = forms.ChoiceField(choices=[(t, t) for t in ("yaml", "describe", "schedule")], required=False)
    reveal = forms.BooleanField(required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from kubelearn.cluster.kinds import KINDS

        self.fields["kind"].choices = [(k.kind, k.kind) for k in KINDS]  # type: ignore[attr-defined]


class ReplayForm(forms.Form):
    t = forms.FloatField(min_value=0, max_value=10**9)


SNIPPET_KINDS = tuple(SNIPPETS)
