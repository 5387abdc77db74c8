"""Label and field selectors parse and match as apimachinery's do."""

from __future__ import annotations

import pytest

from kubelearn.cluster.selectors import (
    SelectorError,
    field_selector_matches,
    label_selector_matches,
    matches,
    parse_field_selector,
    parse_label_selector,
)


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        ("app=web", {"app": "web"}, True),
        ("app==web", {"app": "db"}, False),
        ("app!=web", {}, True),
        ("env in (prod,staging)", {"env": "staging"}, True),
        ("env notin (prod)", {"env": "prod"}, False),
        ("canary", {"canary": ""}, True),
        ("!canary", {"canary": "x"}, False),
        ("app=web,tier in (fe, be),!legacy", {"app": "web", "tier": "be"}, True),
        ("", {"anything": "x"}, True),
    ],
)
def test_string_selectors_match_like_kubectl_dash_l(text, labels, expected):
    assert matches(parse_label_selector(text), labels) is expected


def test_a_garbled_selector_is_an_error_not_a_crash():
    with pytest.raises(SelectorError):
        parse_label_selector("app=(")


def test_structured_label_selectors_combine_match_labels_and_expressions():
    selector = {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "env", "operator": "In", "values": ["a"]}]}
    assert label_selector_matches(selector, {"app": "web", "env": "a"})
    assert not label_selector_matches(selector, {"app": "web", "env": "b"})
    assert label_selector_matches({}, {"any": "thing"})
    assert not label_selector_matches(None, {"any": "thing"})


def test_field_selectors_compare_dotted_paths():
    pod = {"metadata": {"name": "web"}, "spec": {"nodeName": "ship-a"}, "status": {"phase": "Running"}}
    assert field_selector_matches(parse_field_selector("spec.nodeName=ship-a,status.phase!=Pending"), pod)
    assert not field_selector_matches(parse_field_selector("metadata.name=db"), pod)
