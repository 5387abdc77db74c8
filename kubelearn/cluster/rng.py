"""Seeded randomness: uids, generated name suffixes, and anything else that looks random.

The real API server draws uids and ``generateName`` suffixes from crypto randomness; we draw
them from one ``random.Random(seed)`` per cluster so that two runs with the same seed and the
same inputs produce the same objects (never the global ``random`` module).
"""

from __future__ import annotations

import random
from typing import Any

# apimachinery's util/rand alphabet: no vowels (no accidental words) and no confusable 0/1/3.
_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
# The RFC 4122 variant digit for a random hex digit (``'89ab'[int(digit, 16) % 4]``), precomputed.
_VARIANT = {digit: "89ab"[int(digit, 16) % 4] for digit in "0123456789abcdef"}


class SeededRng:
    def __init__(self, seed: int = 0) -> None:
        self._random = random.Random(seed)

    def uid(self) -> str:
        """A version-4-shaped UUID string."""
        # ``to_bytes().hex()`` is ``f"{n:032x}"`` at half the cost (a pod start draws seven uids).
        h = self._random.getrandbits(128).to_bytes(16, "big").hex()
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"

    def suffix(self, length: int = 5) -> str:
        """``generateName`` suffix, as ``utilrand.String(5)``.

        Draws exactly what ``random.choice(_SUFFIX_ALPHABET)`` draws (CPython's ``_randbelow``:
        5-bit samples, rejecting those past the alphabet), without its per-letter call overhead,
        so names stay the same for a seed (``tests/cluster/test_rng.py`` pins the equivalence).
        """
        getrandbits = self._random.getrandbits
        size = len(_SUFFIX_ALPHABET)
        bits = size.bit_length()
        letters = []
        for _ in range(length):
            r = getrandbits(bits)
            while r >= size:
                r = getrandbits(bits)
            letters.append(_SUFFIX_ALPHABET[r])
        return "".join(letters)

    def getrandbits_hex(self) -> str:
        """Event name suffix: 16 hex digits, as client-go's ``fmt.Sprintf("%v.%x", name, time)``."""
        return self._random.getrandbits(64).to_bytes(8, "big").hex()  # f"{n:016x}", faster

    def random(self) -> float:
        return self._random.random()

    def randint(self, low: int, high: int) -> int:
        return self._random.randint(low, high)

    def choice(self, seq: list):  # type: ignore[no-untyped-def, type-arg]
        return self._random.choice(seq)

    def getstate(self) -> tuple[Any, ...]:
        return self._random.getstate()

    def setstate(self, state: object) -> None:
        self._random.setstate(state)  # type: ignore[arg-type]
