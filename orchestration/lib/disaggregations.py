"""Disaggregations (phân tổ): the sex and age columns a form splits an indicator's total into.

One definition of how a column header is recognised, shared by the reference checks (two options
must never claim the same header) and the submission parser. Forms write the same column many
ways — `Nữ`, `nữ`, `Trong đó: Nữ`, `Trẻ em < 15 tuổi`, `≥ 60 tuổi` — and put a spanning
"Trong đó" (of which) cell above the split, so headers are compared folded (case, diacritics),
without spaces or punctuation, and without a leading "trong đó".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from orchestration.lib.text import fold

# Comparison signs are kept (`< 15` is not `15`), written the one way: ≥ and >= alike.
_SIGNS = {"≥": ">=", "≤": "<=", "＜": "<", "＞": ">"}
_NOT_KEPT = re.compile(r"[^a-z0-9<>=]")
_OF_WHICH = "trongdo"
HEADER_SEPARATOR = ";"  # between the header variants of one option in the catalogue


def header_key(text: str) -> str:
    """'Trong đó: Trẻ em < 15 tuổi' -> 'treem<15tuoi'; '≥ 60 tuổi' -> '>=60tuoi'."""
    folded = fold(text)
    for sign, ascii_sign in _SIGNS.items():
        folded = folded.replace(sign, ascii_sign)
    key = _NOT_KEPT.sub("", folded)
    return key[len(_OF_WHICH):] if key.startswith(_OF_WHICH) else key


@dataclass(frozen=True)
class OptionHeaders:
    """Which option each folded header names, for the options an indicator may carry."""

    by_key: Mapping[str, tuple[str, str]]  # header key -> (dimension_code, option_code)

    def option_of(self, header: str) -> tuple[str, str] | None:
        return self.by_key.get(header_key(header)) if header else None


def option_headers(options: Iterable) -> OptionHeaders:
    """`options`: registry DisaggregationOption records; the reference checks guarantee no key
    is claimed twice."""
    by_key: dict[str, tuple[str, str]] = {}
    for option in options:
        for variant in option.headers_vi.split(HEADER_SEPARATOR):
            if header_key(variant):
                by_key.setdefault(header_key(variant), (option.dimension_code, option.option_code))
    return OptionHeaders(by_key)
