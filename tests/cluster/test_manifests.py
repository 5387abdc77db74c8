"""Manifest text -> objects: kubectl 1.32's reading and wording, and hostile input.

Expected messages were measured with kubectl v1.32.4 (``kubectl create --dry-run=client -f``)
except where a test says the behaviour is kubelearn's own hardening.
"""

from __future__ import annotations

import json

import pytest

from kubelearn.cluster.manifests import MAX_BYTES, MAX_DOCUMENTS, Document, ManifestError, parse_manifests

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  a: b\n"
YAML_PREFIX = "error parsing STDIN: error converting YAML to JSON: yaml: "


def only(text: str | bytes, source: str = "STDIN") -> Document:
    docs = parse_manifests(text, source)
    assert len(docs) == 1, docs
    return docs[0]


def error_of(text: str | bytes) -> str:
    doc = only(text)
    assert doc.obj is None
    assert doc.error is not None
    return doc.error


# --- ordinary manifests ---------------------------------------------------------------------


def test_a_plain_manifest_becomes_one_document_with_its_object() -> None:
    doc = only(CONFIGMAP)
    assert doc == Document(
        1, 1, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web"}, "data": {"a": "b"}}, None
    )


def test_bytes_and_str_inputs_read_the_same() -> None:
    assert parse_manifests(CONFIGMAP.encode()) == parse_manifests(CONFIGMAP)


def test_multi_document_input_numbers_documents_and_records_their_first_line() -> None:
    text = "# header\n---\n" + CONFIGMAP + "---\n\n" + CONFIGMAP.replace("web", "api")
    docs = parse_manifests(text)
    assert [(d.index, d.line, d.obj["metadata"]["name"]) for d in docs] == [(1, 3, "web"), (2, 11, "api")]


def test_empty_and_comment_only_documents_are_skipped_like_kubectl() -> None:
    text = "---\n# nothing\n---\n---\n" + CONFIGMAP + "---\n~\n---\n"
    docs = parse_manifests(text)
    assert [d.index for d in docs] == [1]
    assert parse_manifests("") == []
    assert parse_manifests("# only a comment\n") == []


def test_a_utf8_bom_is_accepted() -> None:
    assert only(b"\xef\xbb\xbf" + CONFIGMAP.encode()).obj["kind"] == "ConfigMap"


# --- kubectl's go-yaml reading of scalars and keys --------------------------------------------


def values(yaml_list: str) -> list[object]:
    return only(f"apiVersion: v1\nkind: X\nv: {yaml_list}\n").obj["v"]


def test_yes_no_on_off_and_y_n_are_booleans_as_in_go_yaml_v2() -> None:
    assert values("[yes, No, ON, off, y, N, yEs, 'yes']") == [True, False, True, False, True, False, "yEs", "yes"]


def test_dates_and_timestamps_stay_strings() -> None:
    assert values("[2024-01-01, 2024-01-01T10:00:00Z]") == ["2024-01-01", "2024-01-01T10:00:00Z"]


def test_numbers_follow_go_yaml_and_integral_floats_arrive_as_integers() -> None:
    got = values("[1e3, 0o17, 0755, 0x1F, 1_000, 3.0, 2.5, 08, .5, 1e400, 18446744073709551615, -0b101]")
    assert got == [1000, 15, 493, 31, 1000, 3, 2.5, 8, 0.5, "1e400", 18446744073709551615, -5]
    assert [type(v) for v in got[:8]] == [int] * 6 + [float, int]


def test_non_string_keys_become_strings_like_sigs_k8s_io_yaml() -> None:
    obj = only("apiVersion: v1\nkind: X\nk:\n  1: a\n  true: b\n  1.5: c\n  1e6: d\n  0.00001: e\n").obj
    assert obj["k"] == {"1": "a", "true": "b", "1.5": "c", "1e+06": "d", "1e-05": "e"}


def test_nan_and_infinity_are_rejected_like_json_marshal() -> None:
    assert error_of("apiVersion: v1\nkind: X\nv: .nan\n").endswith(
        "error converting YAML to JSON: json: unsupported value: NaN"
    )
    assert "json: unsupported value: -Inf" in error_of("apiVersion: v1\nkind: X\nv: -.inf\n")


def test_merge_keys_are_supported_and_explicit_keys_win() -> None:
    obj = only("apiVersion: v1\nkind: X\nbase: &b {a: 1, b: 1}\nk:\n  <<: *b\n  b: 2\n").obj
    assert obj["k"] == {"b": 2, "a": 1}


# --- duplicate keys (strict decoding) ----------------------------------------------------------


def test_a_duplicate_key_is_an_error_naming_the_line_of_the_second_value() -> None:
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  replicas: 3\n"
    doc = only(text)
    assert doc.error == YAML_PREFIX + 'unmarshal errors:\n  line 7: key "replicas" already set in map'
    assert doc.error_line == 7


def test_keys_that_collide_after_conversion_to_strings_are_duplicates() -> None:
    assert 'line 5: key "1" already set in map' in error_of("apiVersion: v1\nkind: X\nk:\n  1: a\n  '1': b\n")
    assert "key true already set in map" in error_of("apiVersion: v1\nkind: X\nk:\n  true: a\n  y: b\n")


def test_duplicate_json_fields_are_reported_like_strict_server_decoding() -> None:
    text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "name": "b"}}'
    assert error_of(text) == (
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "metadata.name"'
    )


# --- kubectl's client-side checks -----------------------------------------------------------------

HINT = "; if you choose to ignore these errors, turn validation off with --validate=false"


def test_missing_kind_and_api_version_are_reported_like_kubectl() -> None:
    assert only("apiVersion: v1\nmetadata: {name: x}\n", "x.yaml").error == (
        'error validating "x.yaml": error validating data: kind not set' + HINT
    )
    assert error_of("kind: ConfigMap\n") == 'error validating "STDIN": error validating data: apiVersion not set' + HINT
    assert error_of("metadata: {}\n").endswith("error validating data: [apiVersion not set, kind not set]" + HINT)
    assert "[apiVersion isn't string type, kind isn't string type]" in error_of("apiVersion: 1\nkind: true\n")


def test_a_document_that_is_not_a_mapping_is_an_invalid_object() -> None:
    assert error_of("hello\n") == 'error validating "STDIN": error validating data: invalid object to validate' + HINT
    assert "invalid object to validate" in error_of("- a\n- b\n")


# --- YAML syntax errors ---------------------------------------------------------------------------


def test_syntax_errors_use_go_yaml_wording_and_kubectl_line_numbers() -> None:
    cases = {
        "apiVersion: v1\nkind: X\nmetadata:\n  name: a: b\n": "line 4: mapping values are not allowed in this context",
        "apiVersion: v1\nmetadata:\n\tname: x\n": "line 3: found character that cannot start any token",
        'apiVersion: v1\nmetadata:\n  name: "x\n': "line 4: found unexpected end of stream",
        "a:\n  b: 1\n c: 2\n": "line 2: did not find expected key",  # go-yaml's parser-error line, one less
        "a:\n  - 1\n  b: 2\n": "line 2: did not find expected '-' indicator",
        "a: [1, 2\n": "line 1: did not find expected ',' or ']'",
        'a: "\\q"\n': "found unknown escape character",
    }
    for text, expected in cases.items():
        assert error_of(text) == YAML_PREFIX + expected, text


def test_error_line_is_absolute_while_the_message_counts_from_the_document_like_kubectl() -> None:
    text = CONFIGMAP + "---\napiVersion: v1\nmetadata:\n  name: a: b\n"
    first, second = parse_manifests(text)
    assert first.obj is not None
    assert second.error == YAML_PREFIX + "line 3: mapping values are not allowed in this context"
    assert (second.index, second.line, second.error_line) == (2, 8, 10)


def test_a_broken_document_keeps_the_earlier_ones_and_stops_the_stream_like_kubectl() -> None:
    text = CONFIGMAP + "---\nkind: X\n  bad: [\n---\n" + CONFIGMAP
    docs = parse_manifests(text)
    assert [d.obj is not None for d in docs] == [True, False]


def test_an_invalid_document_separator_is_reported_after_the_documents_before_it() -> None:
    docs = parse_manifests(CONFIGMAP + "--- foo\n" + CONFIGMAP)
    assert docs[-1].error == "error parsing STDIN: invalid Yaml document separator: foo"
    assert (len(docs), docs[-1].line) == (2, 7)


def test_nul_and_control_characters_are_rejected() -> None:
    assert error_of("apiVersion: v1\nkind: X\nname: a\x00b\n") == YAML_PREFIX + "control characters are not allowed"


def test_anchors_follow_go_yaml() -> None:
    assert error_of("a: *b\n") == YAML_PREFIX + "unknown anchor 'b' referenced"
    assert error_of("a: &a\n  x: *a\n") == YAML_PREFIX + "anchor 'a' value contains itself"
    assert only("apiVersion: v1\nkind: X\na: &x 1\nb: &x 2\nc: *x\n").obj["c"] == 2  # redefinition is allowed


def test_unsafe_python_tags_and_unknown_tags_are_rejected() -> None:
    text = "apiVersion: v1\nkind: X\nx: !!python/object/apply:os.system ['echo pwned']\n"
    assert error_of(text) == YAML_PREFIX + (
        "line 3: could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"
    )
    assert "could not determine a constructor for the tag '!Ref'" in error_of("apiVersion: v1\nkind: X\nx: !Ref y\n")


def test_collection_and_null_keys_are_rejected_like_sigs_k8s_io_yaml() -> None:
    assert error_of("a:\n  ? [x]\n  : b\n") == YAML_PREFIX + 'invalid map key: []interface {}{"x"}'
    assert error_of("a:\n  ~: b\n").endswith('unsupported map key of type: %!s(<nil>), key: <nil>, value: "b"')


# --- JSON --------------------------------------------------------------------------------------


def test_json_input_keeps_json_numbers_and_line_numbers() -> None:
    text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"n": 3.0}}\n\n{"apiVersion": "v1", "kind": "Secret"}'
    first, second = parse_manifests(text)
    assert first.obj["data"]["n"] == 3.0
    assert isinstance(first.obj["data"]["n"], float)
    assert (second.index, second.line, second.obj["kind"]) == (2, 3, "Secret")


def test_json_syntax_errors_are_worded_like_encoding_json() -> None:
    assert error_of('{"apiVersion": "v1", "kind": "ConfigMap",\n "metadata": {"name": "x",}}\n') == (
        "error parsing STDIN: json: offset 69: invalid character '}' looking for beginning of object key string"
    )
    assert error_of('{"apiVersion": "v1",\n') == "error parsing STDIN: unexpected EOF"
    assert "invalid character 'N' looking for beginning of value" in error_of('{"a": NaN}')


def test_a_list_expands_into_one_document_per_item_with_the_items_lines() -> None:
    yaml_list = (
        "apiVersion: v1\nkind: List\nitems:\n- "
        + CONFIGMAP.replace("\n", "\n  ").rstrip()
        + "\n- apiVersion: v1\n  kind: Secret\n"
    )
    docs = parse_manifests(CONFIGMAP + "---\n" + yaml_list)
    assert [(d.index, d.line, d.obj["kind"]) for d in docs] == [
        (1, 1, "ConfigMap"),
        (2, 11, "ConfigMap"),
        (2, 17, "Secret"),
    ]
    json_list = {
        "apiVersion": "v1",
        "kind": "ConfigMapList",
        "items": [{"apiVersion": "v1", "kind": "ConfigMap"}, {"apiVersion": "v1"}],
    }
    docs = parse_manifests(json.dumps(json_list, indent=2))
    assert [(d.index, d.line, d.error is None) for d in docs] == [(1, 5, True), (1, 9, False)]
    assert "kind not set" in docs[1].error


# --- hostile input: each of these would hang, exhaust memory or crash without its guard --------


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol"]'] + [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_alias_bomb_is_rejected_without_expanding_it() -> None:
    bomb = billion_laughs()
    assert len(bomb) < 450
    assert error_of(bomb) == YAML_PREFIX + "document contains excessive aliasing"


def test_a_few_aliases_are_fine() -> None:
    assert only("apiVersion: v1\nkind: X\nl: &l {app: web}\nm: *l\n").obj["m"] == {"app": "web"}


def test_ten_megabytes_are_refused_before_parsing_like_the_api_server() -> None:
    with pytest.raises(ManifestError, match=f"^Request entity too large: limit is {MAX_BYTES}$"):
        parse_manifests("a: " + "x" * (10 * 1024 * 1024))
    with pytest.raises(ManifestError, match="Request entity too large"):
        parse_manifests(b"a: " + b"x" * (10 * 1024 * 1024))


@pytest.mark.parametrize(
    "text",
    [
        "".join("  " * i + "k:\n" for i in range(1000)),
        "a: " + "[" * 1000 + "]" * 1000,
        "a: " + "[" * 200_000,  # overflows the C stack of PyYAML's own composer
        "a: " + "{b: " * 1000 + "1" + "}" * 1000,
    ],
    ids=["block", "flow", "flow-200k-unclosed", "flow-mapping"],
)
def test_deep_yaml_nesting_is_rejected_cleanly(text: str) -> None:
    assert error_of(text) == YAML_PREFIX + "exceeded max depth of 64"


def test_deep_json_nesting_is_rejected_cleanly() -> None:
    assert error_of('{"a":' * 100_000 + "1" + "}" * 100_000) == "error parsing STDIN: json: exceeded max depth of 64"


def test_too_many_nodes_are_rejected() -> None:
    assert (
        error_of("a: [" + "1," * 60_000 + "1]\n") == YAML_PREFIX + "document contains too many nodes (limit is 50000)"
    )


def test_too_many_documents_are_refused_as_a_whole() -> None:
    with pytest.raises(ManifestError, match=f"too many documents: 500 \\(limit is {MAX_DOCUMENTS}\\)"):
        parse_manifests((CONFIGMAP + "---\n") * 500)
    items = [{"apiVersion": "v1", "kind": "ConfigMap"}] * 1000
    with pytest.raises(ManifestError, match="too many objects: 1000"):
        parse_manifests(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))


def test_invalid_utf8_is_refused_with_its_byte_position() -> None:
    with pytest.raises(ManifestError, match=r"invalid leading UTF-8 octet at byte 33 \(line 3, column 9\)"):
        parse_manifests(b"apiVersion: v1\nmetadata:\n  name: \xff\xfe\n")


def test_binary_garbage_gives_a_clear_error_and_nothing_else_escapes() -> None:
    with pytest.raises(ManifestError, match="UTF-8"):
        parse_manifests(bytes(range(256)) * 10)
    assert error_of(bytes(range(1, 128)) * 10) == YAML_PREFIX + "control characters are not allowed"
    for garbage in ["\x7f", "{", "[", "&", "*", "!", "%YAML 9\n", "? ? ?", "- - -", ": :", "{{{{", '"\\', "--- |"]:
        try:
            docs = parse_manifests(garbage)
        except ManifestError:
            continue
        assert all(isinstance(d.error, str) for d in docs), garbage
