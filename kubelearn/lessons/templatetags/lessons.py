"""Template filters for bilingual lesson texts: ``{{ text|tr }}``, ``{{ text|md }}``, ``{{ text|mdi }}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from kubelearn.lessons.markdown import render, render_inline
from kubelearn.lessons.schema import Text

register = template.Library()


def _pick(text: Any) -> str:
    if isinstance(text, Text):
        return text.get(translation.get_language())
    return "" if text is None else str(text)


@register.filter
def tr(text: Any) -> str:
    """The text in the page's language (autoescaped by the template)."""
    return _pick(text)


@register.filter
def md(text: Any) -> SafeString:
    """Markdown, rendered and sanitized (nh3 allow-list), in the page's language."""
    return mark_safe(render(_pick(text)))


@register.filter
def mdi(text: Any) -> SafeString:
    """Inline Markdown (titles, hints, choices), sanitized."""
    return mark_safe(render_inline(_pick(text)))


@register.filter
def plus1(value: int) -> int:
    return int(value) + 1
