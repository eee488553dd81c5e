"""Disaggregation headers as forms write them map to one catalogue option, whatever the case,
diacritics, spacing or a "Trong đó" in front; anything else maps to none."""

from __future__ import annotations

import pytest

from orchestration.lib.reference import load_registry
from orchestration.lib.settings import REPO_ROOT

HEADERS = (
    ("Nữ", "SEX_FEMALE"), ("nữ", "SEX_FEMALE"), ("Trong đó: Nữ", "SEX_FEMALE"), ("TRONG ĐÓ NỮ", "SEX_FEMALE"),
    ("Nu", "SEX_FEMALE"), ("Nam", "SEX_MALE"), ("Dưới 15 tuổi", "AGE_UNDER_15"),
    ("Trẻ em < 15 tuổi", "AGE_UNDER_15"), ("Trẻ em <15 tuổi", "AGE_UNDER_15"),
    ("Trong đó: Trẻ em dưới 15 tuổi", "AGE_UNDER_15"), ("Từ 60 tuổi trở lên", "AGE_60_PLUS"),
    ("≥ 60 tuổi", "AGE_60_PLUS"), (">= 60 tuổi", "AGE_60_PLUS"), ("Người từ 60 tuổi trở lên", "AGE_60_PLUS"),
)


@pytest.fixture(scope="module")
def headers():
    return load_registry(REPO_ROOT / "sources" / "reference").disaggregation_headers


@pytest.mark.parametrize(("header", "option"), HEADERS)
def test_header_variant_names_its_option(headers, header, option):
    assert headers.option_of(header)[1] == option


@pytest.mark.parametrize("header", ["Tổng số", "Trong đó", "Ghi chú", "15 tuổi", "Trên 60 tuổi", ""])
def test_other_headers_name_no_option(headers, header):
    assert headers.option_of(header) is None
