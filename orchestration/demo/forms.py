"""The richer forms some demo units fill in: a total split by sex and age, and a second table.

Which units do so is a habit of the unit, drawn from its own random stream so that every other
choice of the demo (and so every published total) stays what it was. The split figures are drawn
per file and always consistent with their total: Nam + Nữ is the total, each age group at most it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from orchestration.lib.registry import DisaggregationOption, Registry

# The spellings clerks use for each option; one set per unit, as its form was printed.
SPELLINGS = (
    {"SEX_MALE": "Nam", "SEX_FEMALE": "Nữ", "AGE_UNDER_15": "Dưới 15 tuổi", "AGE_60_PLUS": "Từ 60 tuổi trở lên"},
    {"SEX_MALE": "NAM", "SEX_FEMALE": "NỮ", "AGE_UNDER_15": "Trẻ em < 15 tuổi", "AGE_60_PLUS": "≥ 60 tuổi"},
    {"SEX_MALE": "Nam", "SEX_FEMALE": "Trong đó: Nữ", "AGE_UNDER_15": "Trẻ em dưới 15 tuổi",
     "AGE_60_PLUS": "Người từ 60 tuổi trở lên"},
)
TOTAL_HEADERS = ("Tổng số", "Tổng", "Cộng")
SECOND_TABLE_TITLE = "Biểu 02"


@dataclass(frozen=True)
class FormHabits:
    splits: bool           # the value area is split into a total and disaggregation columns
    spelling: int          # index into SPELLINGS
    total_header: str
    of_which_row: bool     # a spanning "Trong đó" row above the split headers
    second_table: bool     # the last section goes into a second table under the first


NO_SPLITS = FormHabits(False, 0, TOTAL_HEADERS[0], False, False)


def unit_forms(rng: random.Random) -> FormHabits:
    return FormHabits(
        splits=rng.random() < 0.4,
        spelling=rng.randrange(len(SPELLINGS)),
        total_header=rng.choice(TOTAL_HEADERS),
        of_which_row=rng.random() < 0.5,
        second_table=rng.random() < 0.3,
    )


def split_options(registry: Registry, codes: tuple[str, ...]) -> list[DisaggregationOption]:
    """The options of the indicators on the form, in catalogue order."""
    carried = {option for code in codes for option in registry.options_of(code)}
    return [option for option in registry.disaggregation_options if option in carried]


def split_values(registry: Registry, code: str, total: int, rng: random.Random) -> dict[str, int]:
    """Whole figures: the exhaustive sex split adds up to the total, each age group is a share of it."""
    figures: dict[str, int] = {}
    for option in registry.options_of(code):
        if option.option_code == "SEX_MALE":
            figures["SEX_MALE"] = round(total * rng.uniform(0.42, 0.55))
            figures["SEX_FEMALE"] = total - figures["SEX_MALE"]
        elif option.dimension_kind == "partial":
            figures[option.option_code] = int(total * rng.uniform(0.08, 0.35))
    return figures
