"""resource.Quantity parsing and canonical form, using the tables of apimachinery's quantity_test.go."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kubelearn.cluster.apiserver.quantity import (
    BINARY_SI,
    DECIMAL_EXPONENT,
    DECIMAL_SI,
    ERR_FORMAT_WRONG,
    ERR_SUFFIX,
    QuantityError,
    canonical,
    format_quantity,
    milli_value,
    parse_quantity,
    parse_with_format,
    round_up_milli,
    value,
)

# (input, mantissa, exponent, format) from TestQuantityParse.
PARSE_TABLE = [
    ("0", 0, 0, DECIMAL_SI),
    ("0n", 0, 0, DECIMAL_SI),
    ("0Ki", 0, 0, BINARY_SI),
    ("0M", 0, 0, DECIMAL_SI),
    ("1", 1, 0, DECIMAL_SI),
    ("1Ki", 1024, 0, BINARY_SI),
    ("7Mi", 7 * 1024 * 1024, 0, BINARY_SI),
    ("3Ei", 3 * 1024**6, 0, BINARY_SI),
    ("100Ti", 100 * 1024**4, 0, BINARY_SI),
    ("5n", 5, -9, DECIMAL_SI),
    ("4u", 4, -6, DECIMAL_SI),
    ("3m", 3, -3, DECIMAL_SI),
    ("50k", 5, 4, DECIMAL_SI),
    ("300T", 3, 14, DECIMAL_SI),
    ("1E", 1, 18, DECIMAL_SI),
    ("1E-3", 1, -3, DECIMAL_EXPONENT),
    ("1e3", 1, 3, DECIMAL_EXPONENT),
    ("1E18", 1, 18, DECIMAL_EXPONENT),
    ("100.035k", 100035, 0, DECIMAL_SI),
    ("0.001", 1, -3, DECIMAL_SI),
    ("0.0005k", 5, -1, DECIMAL_SI),
    ("0.50000", 5, -1, DECIMAL_SI),
    ("0.5e-2", 5, -3, DECIMAL_EXPONENT),
    ("10.035M", 10035, 3, DECIMAL_SI),
    ("1.3E+6", 13, 5, DECIMAL_EXPONENT),
    ("1.7E18", 17, 17, DECIMAL_EXPONENT),
    ("6.987654321G", 6987654321, 0, DECIMAL_SI),
    ("1.01E", 101, 16, DECIMAL_SI),
    ("3.001n", 4, -9, DECIMAL_SI),
    ("1.1E-9", 2, -9, DECIMAL_EXPONENT),
    ("0.0000000001", 1, -9, DECIMAL_SI),
    ("0.5e-9", 1, -9, DECIMAL_EXPONENT),
    ("0.9n", 1, -9, DECIMAL_SI),
    ("0.00000012345", 124, -9, DECIMAL_SI),
    ("9Ei", 2**63 - 1, 0, BINARY_SI),
    ("9223372036854775807Ki", 2**63 - 1, 0, BINARY_SI),
    ("12E", 12, 18, DECIMAL_SI),
    ("100.035Ki", 10243584, -2, BINARY_SI),
    ("0.5Mi", 524288, 0, BINARY_SI),
    ("0.025Ti", 274877906944, -1, BINARY_SI),
    ("0.000000000001Ki", 2, -9, DECIMAL_SI),
    (".001", 1, -3, DECIMAL_SI),
    (".0001k", 100, -3, DECIMAL_SI),
    ("1.", 1, 0, DECIMAL_SI),
    ("1.G", 1, 9, DECIMAL_SI),
]

INVALID_TABLE = [
    ("1.1.M", ERR_FORMAT_WRONG),
    ("1+1.0M", ERR_FORMAT_WRONG),
    ("0.1mi", ERR_SUFFIX),
    ("0.1am", ERR_FORMAT_WRONG),
    ("aoeu", ERR_FORMAT_WRONG),
    (".5i", ERR_SUFFIX),
    ("1i", ERR_SUFFIX),
    ("-3.01i", ERR_SUFFIX),
    ("-3.01e-", ERR_SUFFIX),
    ("1GB", ERR_FORMAT_WRONG),
    ("1gi", ERR_FORMAT_WRONG),
    ("1200mi", ERR_SUFFIX),
    ("", ERR_FORMAT_WRONG),
]


@pytest.mark.parametrize(("text", "mantissa", "exponent", "fmt"), PARSE_TABLE)
def test_quantity_test_go_valid_inputs_parse_to_the_same_amount_and_format(
    text: str, mantissa: int, exponent: int, fmt: str
) -> None:
    """Each valid input of quantity_test.go parses to upstream's value, also negated and with '+'."""
    expected = Decimal(mantissa).scaleb(exponent)
    assert parse_with_format(text) == (expected, fmt)
    assert parse_with_format("-" + text) == (-expected, fmt)
    assert parse_with_format("+" + text) == (expected, fmt)


@pytest.mark.parametrize(("text", "message"), INVALID_TABLE)
def test_quantity_test_go_invalid_inputs_fail_with_upstreams_message(text: str, message: str) -> None:
    """Each invalid input fails with the exact error the API server prints."""
    with pytest.raises(QuantityError) as info:
        parse_quantity(text)
    assert str(info.value) == message


def test_format_wrong_message_quotes_the_regular_expression() -> None:
    """The message kubectl users see names the regexp verbatim."""
    assert ERR_FORMAT_WRONG == (
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )


def test_surrounding_spaces_are_trimmed_like_unmarshal_json() -> None:
    """``UnmarshalJSON`` trims spaces, so a quoted " 1" in a manifest is accepted."""
    assert canonical(" 1") == "1"
    assert canonical("1 ") == "1"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("1Ki", "1Ki"),
        ("1024Mi", "1Gi"),
        ("1000M", "1G"),
        (".001Ki", "1024m"),
        (".000001Ki", "1024u"),
        (".000000001Ki", "1024n"),
        (".000000000001Ki", "2n"),
        ("1000m", "1"),
        ("0.5", "500m"),
        (0.5, "500m"),
        (1, "1"),
        (2.0, "2"),
        ("1.5Gi", "1536Mi"),
        ("1.08", "1080m"),
        ("300Mi", "300Mi"),
        ("307200Ki", "300Mi"),
        ("1025", "1025"),
        ("5000m", "5"),
        (".001e12", "1e9"),
        ("0.001e0", "1e-3"),
        ("1000e-12", "1e-9"),
        ("1080000000n", "1080m"),
        ("0.1m", "100u"),
        ("-1024Mi", "-1Gi"),
    ],
)
def test_canonical_reserialises_like_the_api_server(given: str | float, expected: str) -> None:
    """TestQuantityParseEmit / TestQuantityString: the canonical form keeps the format family."""
    assert canonical(given) == expected


def test_already_canonical_strings_are_kept_verbatim() -> None:
    """The int64 fast path stores the input string itself when it is canonical."""
    assert canonical("10.035M") == "10.035M"
    assert canonical("1E-3") == "1E-3"


def test_binary_values_below_one_become_decimal() -> None:
    """A BinarySI amount in (0, 1) is emitted as DecimalSI to avoid rounding."""
    assert parse_with_format("0.5Ki")[1] == BINARY_SI
    assert format_quantity(Decimal("0.5"), BINARY_SI) == "500m"


def test_resource_lists_round_up_to_a_whole_milli() -> None:
    """``SetDefaults_ResourceList`` rounds up: 0.1m and 100u become 1m, exact values stay."""
    assert round_up_milli("0.1m") == "1m"
    assert round_up_milli("100u") == "1m"
    assert round_up_milli("1500u") == "2m"
    assert round_up_milli("250m") == "250m"
    assert round_up_milli("1Gi") == "1Gi"


def test_milli_value_and_value_round_up_away_from_zero() -> None:
    """MilliValue and Value never lose a request: they round up."""
    assert milli_value("0.1m") == 1
    assert milli_value("500m") == 500
    assert milli_value("1") == 1000
    assert value("1500m") == 2
    assert value("1Gi") == 1073741824
    assert value("-1500m") == -2
