"""How big a received file may be, and how far its sheets may reach.

A unit's report is a few kilobytes; anything far larger is a mistake (a workbook with photos
pasted in) or an attack, and either must cost the intake nothing but a quarantine. Every limit has
a default that leaves a wide margin above real reports and an environment variable to change it
(declared and parsed in `orchestration/lib/settings.py`), because a province with unusual files
must not need a code change.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

MIB = 1 << 20


@dataclass(frozen=True)
class IntakeLimits:
    max_file_bytes: int = 10 * MIB  # a report is ~10 KB; photos pasted in stay well below
    max_uncompressed_bytes: int = 64 * MIB  # all parts of an .xlsx/.ods together, as declared in the zip
    max_compression_ratio: int = 100  # per zip part above RATIO_FLOOR_BYTES; real sheets compress 5-20x
    max_zip_entries: int = 500  # an .xlsx has ~10 parts, ~50 with charts and images
    max_sheets: int = 50
    max_rows: int = 10_000  # the furthest row a sheet may use (Excel allows 1,048,576)
    max_columns: int = 200  # the furthest column a sheet may use (Excel allows 16,384)

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# Below this size a part cannot be a zip bomb whatever its ratio (at most 1 MiB once inflated),
# while tiny parts of honest files (a run of empty cells, a blank page setup) compress 100x.
RATIO_FLOOR_BYTES = MIB
