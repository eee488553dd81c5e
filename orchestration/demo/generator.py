"""The demo province's inbox: every report its units owe, as the units would send them.

The output is deterministic down to the bytes (fixed zip and document timestamps), so regenerating
the demo gives the same content hashes and the pipeline sees duplicates, not new versions. Each
file's mtime is its arrival time, 1-4 working days after the period's end, because the pipeline
judges timeliness from the mtime and a clean demo must be on time.
"""

from __future__ import annotations

import os
import random
import re
import unicodedata
import zipfile
from datetime import date, datetime, time, timezone
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from orchestration.demo.forms import unit_forms
from orchestration.demo.cumulative import cumulative_values, plan_cumulative_reports
from orchestration.demo.layout import Habits, build_workbook, unit_habits
from orchestration.demo.schedule import PlannedReport, plan_reports
from orchestration.demo.values import DemoValues
from orchestration.lib.clock import VIETNAM
from orchestration.lib.periods import number_in_year
from orchestration.lib.registry import OrgUnit, Registry
from orchestration.lib.working_days import WorkingCalendar

DEFAULT_DEMO_SEED = 20250
FILE_KIND = {"hospital": "BV", "health_centre": "TTYT", "commune_station": "TYT", "cdc": "CDC",
             "statistics_office": "ThongKe", "social_insurance": "BHXH"}
NAME_PREFIX_WORDS = {"trung", "tam", "y", "te", "tram", "phuong", "xa", "thi", "tran", "benh", "vien",
                     "cuc", "chi", "bao", "hiem", "hoi", "kiem", "soat", "tat", "thong", "ke", "so", "tinh"}


def ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return re.findall(r"[A-Za-z0-9]+", "".join(ch for ch in folded if unicodedata.category(ch) != "Mn"))


def short_name(unit: OrgUnit) -> str:
    """'Trung tâm Y tế Hạ Long' -> 'HaLong': what a clerk types in a file name."""
    words = ascii_words(unit.name_vi)
    while len(words) > 1 and words[0].lower() in NAME_PREFIX_WORDS:
        words.pop(0)
    return "".join(word[:1].upper() + word[1:] for word in words)


def file_name(report: PlannedReport, descriptive: bool) -> str:
    """`QN-TYT-HONGHAI_202503.xlsx`, or a clerk's own `BaoCao_TTYT_HaLong_T03-2025.xlsx`."""
    period, number = report.period, number_in_year(report.period)
    if not descriptive:
        return f"{report.unit.code}_{period.code}.xlsx"
    tag = {"month": f"T{number:02d}-{period.year}", "quarter": f"Q{number}-{period.year}",
           "half_year": f"6T{'Dau' if number == 1 else 'Cuoi'}-{period.year}", "nine_months": f"9T-{period.year}",
           "year": f"Nam{period.year}"}[period.period_type]
    return f"BaoCao_{FILE_KIND.get(report.unit.unit_type, 'DonVi')}_{short_name(report.unit)}_{tag}.xlsx"


def arrival_time(calendar: WorkingCalendar, period_end: date, rng: random.Random) -> datetime:
    """During office hours in Vietnam (00:30-09:45 UTC, so the date is the same in either zone)."""
    day = calendar.add_working_days(period_end, rng.randint(1, 4))
    minutes = rng.randint(7 * 60 + 30, 16 * 60 + 45)
    return datetime.combine(day, time(minutes // 60, minutes % 60, rng.randint(0, 59)), VIETNAM)


class _FixedTimeZip(zipfile.ZipFile):
    """openpyxl stamps zip entries with the current time (or a temp file's mtime, for sheets);
    one fixed stamp on every entry makes the bytes reproducible."""

    def __init__(self, path: Path, stamp: datetime):
        super().__init__(path, "w", zipfile.ZIP_DEFLATED)
        self._stamp = stamp.timetuple()[:6]

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=self._stamp)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes())


def save_reproducibly(workbook: Workbook, path: Path, saved_at: datetime) -> None:
    """Like openpyxl's save_workbook, which would stamp the document with the current time."""
    stamp = saved_at.astimezone(timezone.utc).replace(tzinfo=None)
    workbook.properties.created = workbook.properties.modified = stamp
    with _FixedTimeZip(path, saved_at) as archive:
        ExcelWriter(workbook, archive).save()


def _unique_descriptive_units(registry: Registry, habits: dict[str, Habits]) -> set[str]:
    """Units whose clerks name files their own way, unless two would end up with the same name."""
    wanted = [unit for unit in registry.org_units.values() if unit.code in habits and habits[unit.code].descriptive_file_name]
    keys = [(FILE_KIND.get(unit.unit_type, "DonVi"), short_name(unit)) for unit in wanted]
    return {unit.code for unit, key in zip(wanted, keys, strict=True) if keys.count(key) == 1 and key[1]}


def generate_demo_province(inbox_dir: Path, registry: Registry, first_month: str = "202401",
                           last_month: str = "202512", seed: int = DEFAULT_DEMO_SEED) -> list[Path]:
    """Write one .xlsx per unit and period owed between the two months, and the few units' own
    6-month and 9-month reports (`demo/cumulative.py`); return their paths."""
    owed = plan_reports(registry, first_month, last_month)
    cumulative = plan_cumulative_reports(registry, owed)
    reports = owed + cumulative
    now = datetime.now(VIETNAM)
    if reports and max(report.period.end for report in reports) >= now.date():
        raise ValueError(f"{last_month} has not ended yet, its reports cannot have arrived / "
                         f"kỳ {last_month} chưa kết thúc nên chưa thể có báo cáo")
    values, calendar = DemoValues(registry, seed), WorkingCalendar(registry.holidays)
    habits = {code: unit_habits(random.Random(f"{seed}:{code}:habits"))
              for code in dict.fromkeys(report.unit.code for report in reports)}
    forms = {code: unit_forms(random.Random(f"{seed}:{code}:forms")) for code in habits}
    descriptive = _unique_descriptive_units(registry, habits)
    inbox_dir = Path(inbox_dir)
    inbox_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for report in reports:
        rng = random.Random(f"{seed}:{report.unit.code}:{report.period.code}:file")
        arrived = min(arrival_time(calendar, report.period.end, rng), now)
        split_rng = random.Random(f"{seed}:{report.unit.code}:{report.period.code}:splits")
        figures = cumulative_values(registry, values, report) if report in cumulative else values.values(report)
        workbook = build_workbook(report, figures, registry, habits[report.unit.code], rng,
                                  arrived.date(), forms[report.unit.code], split_rng)
        path = inbox_dir / file_name(report, report.unit.code in descriptive)
        save_reproducibly(workbook, path, arrived)
        os.utime(path, (arrived.timestamp(), arrived.timestamp()))
        written.append(path)
    return written
