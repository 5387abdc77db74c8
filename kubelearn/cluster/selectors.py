"""Label and field selectors, as ``k8s.io/apimachinery/pkg/labels`` and ``fields`` parse them.

Two forms reach us: the structured ``LabelSelector`` of a Deployment or Service
(``matchLabels`` plus ``matchExpressions``) and the string form people type after
``kubectl get -l`` (``app=web,tier!=db,env in (prod,staging),!canary``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .objects import get_path


class SelectorError(ValueError):
    """A selector string that does not parse; the message follows apimachinery's wording."""


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str
    operator: str  # In, NotIn, Exists, DoesNotExist (= and != become In/NotIn with one value)
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.operator == "Exists":
            return self.key in labels
        if self.operator == "DoesNotExist":
            return self.key not in labels
        if self.operator == "In":
            return self.key in labels and labels[self.key] in self.values
        if self.operator == "NotIn":
            return self.key not in labels or labels[self.key] not in self.values
        return False


Selector = tuple[Requirement, ...]


def from_label_selector(selector: Mapping[str, Any] | None) -> Selector | None:
    """A ``metav1.LabelSelector`` as requirements; None selects nothing, ``{}`` everything."""
    if selector is None:
        return None
    reqs = [Requirement(k, "In", (str(v),)) for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        reqs.append(Requirement(expr.get("key", ""), expr.get("operator", ""), tuple(expr.get("values") or ())))
    return tuple(reqs)


def from_match_labels(match_labels: Mapping[str, str] | None) -> Selector | None:
    """A Service-style ``selector`` map; an empty or missing one selects nothing (no endpoints)."""
    if not match_labels:
        return None
    return tuple(Requirement(k, "In", (str(v),)) for k, v in sorted(match_labels.items()))


def matches(selector: Selector | None, labels: Mapping[str, str]) -> bool:
    if selector is None:
        return False
    return all(req.matches(labels) for req in selector)


def label_selector_matches(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    return matches(from_label_selector(selector), labels)


_SET_RE = re.compile(r"^\s*(!?)\s*([A-Za-z0-9./_-]+)\s*(?:(notin|in)\s*\(([^)]*)\))?\s*$")
_EQ_RE = re.compile(r"^\s*([A-Za-z0-9./_-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)\s*$")


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def parse_label_selector(text: str) -> Selector:
    """Parse ``kubectl -l`` syntax; an empty string selects everything."""
    if not text.strip():
        return ()
    reqs: list[Requirement] = []
    for part in _split_top_level(text):
        eq = _EQ_RE.match(part)
        if eq:
            key, op, value = eq.groups()
            reqs.append(Requirement(key, "NotIn" if op == "!=" else "In", (value,)))
            continue
        st = _SET_RE.match(part)
        if st:
            bang, key, op, values = st.groups()
            if op:
                vals = tuple(v.strip() for v in values.split(",") if v.strip())
                reqs.append(Requirement(key, "In" if op == "in" else "NotIn", vals))
            else:
                reqs.append(Requirement(key, "DoesNotExist" if bang else "Exists"))
            continue
        raise SelectorError(f"unable to parse requirement: found '{part.strip()}', expected: identifier")
    return tuple(reqs)


FieldPredicate = Callable[[dict[str, Any]], bool]


def parse_field_selector(text: str) -> list[tuple[str, str, str]]:
    """``metadata.name=web,status.phase!=Running`` -> [(path, op, value)]."""
    terms: list[tuple[str, str, str]] = []
    if not text.strip():
        return terms
    for part in text.split(","):
        match = re.match(r"^\s*([A-Za-z0-9.]+)\s*(==|=|!=)\s*(.*?)\s*$", part)
        if not match:
            raise SelectorError(f"invalid selector: '{text}'; can't understand '{part}'")
        path, op, value = match.groups()
        terms.append((path, "!=" if op == "!=" else "=", value))
    return terms


def field_selector_matches(terms: list[tuple[str, str, str]], obj: dict[str, Any]) -> bool:
    for path, op, value in terms:
        actual = get_path(obj, path)
        text = "" if actual is None else str(actual).lower() if isinstance(actual, bool) else str(actual)
        if (text == value) != (op == "="):
            return False
    return True
