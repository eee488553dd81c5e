"""A national registry from the demo province: its reference folder replicated K times.

The Ministry runs every province in one instance, so the pipeline must keep provinces apart: each
province's summary, signatures, digests, templates and statistics-office areas are its own. Tests
and benchmarks check that on a registry of K copies of the demo province, each with distinct codes
(QN becomes P01, QN-BVDKT becomes P01-BVDKT), names ("Tỉnh Quảng Ninh (P01)"), e-mail addresses
and DHIS2 UIDs. Every cell of every reference file that holds an org-unit code is replaced, so a
column added to a reference file later is replicated without a change here; files naming no unit
(indicators, obligations by unit type, deadlines, holidays, period labels) are copied unchanged.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

ORG_UNITS_FILE = "org_units.csv"
DHIS2_MAPPING_FILE = "dhis2_mapping.csv"
UID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def province_prefix(number: int) -> str:
    """P01, P02, ...: the code of the number-th copy of the province."""
    return f"P{number:02d}"


def replicated_code(code: str, province: str, prefix: str) -> str:
    """The province's own code prefix is swapped for the copy's (QN-X-HATU -> P02-X-HATU); a code
    not starting with it keeps its whole text behind the prefix."""
    if code == province or code.startswith(f"{province}-"):
        return prefix + code[len(province):]
    return f"{prefix}-{code}"


def replicated_uid(code: str) -> str:
    """A DHIS2-shaped UID (a letter, then ten letters or digits) from a hash of the new code."""
    number = int.from_bytes(hashlib.sha256(f"national-registry:{code}".encode()).digest(), "big")
    characters = [UID_ALPHABET[10 + number % 52]]
    number //= 52
    for _ in range(10):
        characters.append(UID_ALPHABET[number % 62])
        number //= 62
    return "".join(characters)


def replicate_registry(source_dir: Path, target_dir: Path, provinces: int) -> list[str]:
    """Writes `provinces` copies of the one-province reference folder `source_dir` into `target_dir`;
    returns the provinces' codes."""
    source_dir, target_dir = Path(source_dir), Path(target_dir)
    header, units = _read(source_dir / ORG_UNITS_FILE)
    [province] = [row["code"] for row in units if row["unit_type"] == "province"]
    codes = {row["code"] for row in units}
    prefixes = [province_prefix(number) for number in range(1, provinces + 1)]
    shutil.rmtree(target_dir, ignore_errors=True)
    target_dir.mkdir(parents=True)
    for path in sorted(source_dir.glob("*.csv")):
        header, rows = _read(path)
        if not any(value in codes for row in rows for value in row.values()):
            shutil.copyfile(path, target_dir / path.name)
            continue
        # Rows naming no unit (a DHIS2 data element, a target for an indicator) are kept once.
        shared = [row for row in rows if not any(value in codes for value in row.values())]
        own = [row for row in rows if row not in shared]
        copies = [_copy_row(row, codes, province, prefix, path.name) for prefix in prefixes for row in own]
        _write(target_dir / path.name, header, shared + copies)
    return [replicated_code(province, province, prefix) for prefix in prefixes]


def _copy_row(row: dict[str, str], codes: set[str], province: str, prefix: str, file_name: str) -> dict[str, str]:
    copy = {column: replicated_code(value, province, prefix) if value in codes else value
            for column, value in row.items()}
    if file_name == ORG_UNITS_FILE:
        copy["name_vi"] = f"{row['name_vi']} ({prefix})"
        copy.update({column: _replicated_email(value, prefix) for column, value in row.items() if "@" in value})
    if file_name == DHIS2_MAPPING_FILE and copy["warehouse_code"] != row["warehouse_code"]:
        copy["dhis2_uid"] = replicated_uid(copy["warehouse_code"])
    return copy


def _replicated_email(address: str, prefix: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local}@{prefix.lower()}.{domain}"


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
