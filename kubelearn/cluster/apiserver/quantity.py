"""``resource.Quantity``: parsing and the canonical form the API server writes back.

Mirrors apimachinery ``pkg/api/resource/quantity.go`` (1.32): the hand-written scanner
``parseQuantityString`` (so the three error messages fire on exactly the same inputs), the
suffix tables, the fast int64 path that keeps an already-canonical string verbatim, rounding
*up* to a whole nano (``0.9n`` → ``1n``; the "0.1m → 1m" in upstream's doc comment is stale —
the code rounds at nano), the 2^63-1 cap for binary quantities, and ``CanonicalizeBytes``
(``0.5`` → ``500m``, ``1024Mi`` → ``1Gi``, ``1.5Gi`` → ``1536Mi``).

Simplifies: amounts are Python ``Decimal`` values, not Go's int64/inf.Dec pair; the format
(BinarySI / DecimalSI / DecimalExponent) travels alongside. Lesson: "requests and limits".
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_UP, Context, Decimal, InvalidOperation
from functools import lru_cache

SPLIT_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT_WRONG = f"quantities must match the regular expression '{SPLIT_RE}'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"

BINARY_SI = "BinarySI"
DECIMAL_SI = "DecimalSI"
DECIMAL_EXPONENT = "DecimalExponent"

_DEC_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BIN_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DEC_BY_EXP = {v: k for k, v in _DEC_SUFFIXES.items()}
_BIN_BY_EXP = {0: "", **{v: k for k, v in _BIN_SUFFIXES.items()}}
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_DIGITS = frozenset("0123456789")
_MAX_INT64 = 2**63 - 1
_MAX_ALLOWED = Decimal(_MAX_INT64)
_NANO = Decimal("1e-9")
_CTX = Context(prec=400, Emax=10**6, Emin=-(10**6))  # exact for anything a manifest can say


class QuantityError(ValueError):
    """A quantity that ``resource.ParseQuantity`` rejects; ``str()`` is upstream's message."""


def _scan(text: str) -> tuple[bool, str, str, str, str]:
    """``parseQuantityString``: (positive, value, num, denom, suffix) or ErrFormatWrong."""
    positive, pos, end = True, 0, len(text)
    if pos < end and text[0] in "+-":
        positive = text[0] == "+"
        pos += 1
    while pos < end and text[pos] == "0":
        pos += 1
    if pos >= end:
        return positive, "0", "0", "", ""
    start = pos
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    num = text[start:pos] or "0"
    if pos >= end:
        return positive, text, num, "", ""
    denom = ""
    if text[pos] == ".":
        pos += 1
        start = pos
        while pos < end and text[pos] in _DIGITS:
            pos += 1
        denom = text[start:pos]
        if pos >= end:
            return positive, text, num, denom, ""
    value = text[:pos]
    suffix_start = pos
    while pos < end and text[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and text[pos] in "+-":
        pos += 1
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    if pos < end:
        raise QuantityError(ERR_FORMAT_WRONG)
    return positive, value, num, denom, text[suffix_start:]


def _interpret(suffix: str) -> tuple[int, int, str]:
    """``suffixHandler.interpret``: (base, exponent, format) or ErrSuffix."""
    if suffix in _DEC_SUFFIXES:
        return 10, _DEC_SUFFIXES[suffix], DECIMAL_SI
    if suffix in _BIN_SUFFIXES:
        return 2, _BIN_SUFFIXES[suffix], BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        digits = suffix[1:]
        body = digits[1:] if digits[0] in "+-" else digits
        if body and body.isdigit() and body.isascii():
            return 10, int(digits), DECIMAL_EXPONENT
    raise QuantityError(ERR_SUFFIX)


@lru_cache(maxsize=4096)
def _parse(text: str) -> tuple[Decimal, str, str | None]:
    """``ParseQuantity``: (amount, format, the verbatim string if already canonical)."""
    if not text:
        raise QuantityError(ERR_FORMAT_WRONG)
    if text == "0":
        return Decimal(0), DECIMAL_SI, "0"
    positive, value, num, denom, suffix = _scan(text)
    base, exponent, fmt = _interpret(suffix)

    if fmt == BINARY_SI:
        fast = exponent >= 0 and not denom and 15 - len(num) - int(exponent * 3 / 10) - 1 >= 0
        scale = 0
        mantissa = 1 << exponent if fast else 1
    else:
        fast = 18 - (len(num) + len(denom)) >= 0
        scale = exponent - len(denom)
        mantissa = 1
    if fast and (fmt == BINARY_SI or scale >= -9):
        shifted = num + denom
        unscaled = int(shifted)
        result = unscaled * mantissa
        if result <= _MAX_INT64:
            amount = _CTX.scaleb(Decimal(result if positive else -result), scale)
            if fmt == BINARY_SI:
                keep = exponent % 10 == 0 and unscaled & 0x07 != 0
            else:
                keep = scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0"
            return amount, fmt, text if keep else None

    try:
        amount = abs(Decimal(value))
    except InvalidOperation:
        raise QuantityError(ERR_NUMERIC) from None
    if not amount.is_finite():
        raise QuantityError(ERR_NUMERIC)
    amount = _CTX.scaleb(amount, exponent) if base == 10 else _CTX.multiply(amount, Decimal(1 << exponent))
    if amount != 0:
        amount = amount.quantize(_NANO, rounding=ROUND_UP, context=_CTX) if amount.as_tuple().exponent < -9 else amount
    if fmt == BINARY_SI and amount > _MAX_ALLOWED:
        amount = _MAX_ALLOWED
    if fmt == BINARY_SI and 0 < amount < 1:
        fmt = DECIMAL_SI
    if not positive:
        amount = -amount
    return amount, fmt, None


def _text_of(value: str | int | float | Decimal) -> str:
    """The JSON literal Go would hand ``Quantity.UnmarshalJSON`` (strings are trimmed)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    return str(value)


def parse_with_format(value: str | int | float | Decimal) -> tuple[Decimal, str]:
    """Parse like ``Quantity.UnmarshalJSON``; returns the amount and its remembered format."""
    amount, fmt, _ = _parse(_text_of(value))
    return amount, fmt


def parse_quantity(value: str | int | float | Decimal) -> Decimal:
    """The quantity's exact amount (``1Gi`` → 1073741824, ``500m`` → 0.5)."""
    return _parse(_text_of(value))[0]


def _strip_tens(mantissa: int, exponent: int) -> tuple[int, int]:
    while mantissa and mantissa % 10 == 0:
        mantissa //= 10
        exponent += 1
    return mantissa, exponent


def format_quantity(amount: Decimal, fmt: str = DECIMAL_SI) -> str:
    """``Quantity.CanonicalizeBytes``: the string the server writes for ``amount`` in ``fmt``."""
    if amount == 0:
        return "0"
    if fmt == BINARY_SI:
        if -1024 < amount < 1024 or amount != amount.to_integral_value():
            fmt = DECIMAL_SI
        else:
            number, power = int(amount), 0
            while number % 1024 == 0 and power < 6:
                number //= 1024
                power += 1
            return f"{number}{_BIN_BY_EXP[power * 10]}"
    elif fmt != DECIMAL_SI:
        fmt = DECIMAL_EXPONENT
    sign, digits, exp = amount.as_tuple()
    mantissa = int("".join(map(str, digits)))
    mantissa, exponent = _strip_tens(mantissa, int(exp))
    shift = exponent % 3
    mantissa, exponent = mantissa * 10**shift, exponent - shift
    number = f"-{mantissa}" if sign else str(mantissa)
    if fmt == DECIMAL_SI and exponent in _DEC_BY_EXP:
        return number + _DEC_BY_EXP[exponent]
    return number if exponent == 0 else f"{number}e{exponent}"


def canonical(value: str | int | float | Decimal) -> str:
    """What the API server stores for a quantity field (``0.5`` → ``500m``, ``1024Mi`` → ``1Gi``)."""
    return _canonical_text(value.strip() if type(value) is str else _text_of(value))


@lru_cache(maxsize=4096)
def _canonical_text(text: str) -> str:
    amount, fmt, verbatim = _parse(text)
    return verbatim if verbatim is not None else format_quantity(amount, fmt)


_MILLI = Decimal("1e-3")


def round_up_milli(value: str | int | float | Decimal) -> str:
    """``Quantity.RoundUp(-3)`` then serialise: what ``SetDefaults_ResourceList`` stores.

    Every ``ResourceList`` (container requests/limits, PV capacity, ...) is rounded *up* to a
    whole milli on the way in, so ``cpu: 0.1m`` is stored as ``1m`` and ``100u`` as ``1m``.
    """
    return _round_up_milli_text(value.strip() if type(value) is str else _text_of(value))


@lru_cache(maxsize=4096)
def _round_up_milli_text(text: str) -> str:
    amount, fmt, verbatim = _parse(text)
    if amount.as_tuple().exponent >= -3 or amount == amount.quantize(_MILLI, rounding=ROUND_UP, context=_CTX):
        return verbatim if verbatim is not None else format_quantity(amount, fmt)
    return format_quantity(amount.quantize(_MILLI, rounding=ROUND_UP, context=_CTX), fmt)


def _away_from_zero(amount: Decimal) -> int:
    rounded = abs(amount).to_integral_value(rounding=ROUND_CEILING)
    return int(rounded) if amount >= 0 else -int(rounded)


def value(quantity: str | int | float | Decimal) -> int:
    """``Quantity.Value()``: whole units, rounded up away from zero (``1500m`` → 2)."""
    amount = quantity if isinstance(quantity, Decimal) else parse_quantity(quantity)
    return _away_from_zero(amount)


def milli_value(quantity: str | int | float | Decimal) -> int:
    """``Quantity.MilliValue()``: thousandths, rounded up away from zero (``0.1m`` → 1)."""
    amount = quantity if isinstance(quantity, Decimal) else parse_quantity(quantity)
    return _away_from_zero(_CTX.scaleb(amount, 3))
