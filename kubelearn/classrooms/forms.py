"""Forms: create a classroom, join one."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kubelearn.lessons.registry import registry

from .models import CODE_LENGTH


def lesson_choices() -> list[tuple[str, str]]:
    return [(lesson.id, f"{lesson.order}. {lesson.title.get('en')}") for lesson in registry().lessons()]


class ClassroomForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    lessons = forms.MultipleChoiceField(label=_("Lesson path"), choices=lesson_choices)


class JoinForm(forms.Form):
    code = forms.CharField(label=_("Join code"), max_length=CODE_LENGTH, min_length=CODE_LENGTH)
    nickname = forms.CharField(label=_("Nickname"), max_length=40)

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()

    def clean_nickname(self) -> str:
        nickname = str(self.cleaned_data["nickname"]).strip()
        if not nickname:
            raise forms.ValidationError(_("Pick a nickname."))
        return nickname
