"""A real SMTP server and a tiny warehouse for the alert tests.

The warehouse holds exactly the published marts columns alerting reads (plus `finding_id`, which
it ignores) and a build database with `raw.submissions`, so these tests pin the alerting against
the contract rather than against whatever the dbt models produce today.
"""

from __future__ import annotations

import hashlib
import shutil
import zipfile
import socket
from dataclasses import dataclass, field
from datetime import date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import duckdb
import openpyxl
from aiosmtpd.controller import Controller
from openpyxl.styles import PatternFill

from orchestration.alerts.feedback import FeedbackSummary, send_unit_feedback
from orchestration.alerts.published import read_published
from orchestration.lib.build_schema import ensure_submission_tables
from orchestration.lib.reference import load_registry
from orchestration.lib.settings import AlertSettings, WarehousePaths

SHEET = "Báo cáo"
TEMPLATE_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HONGHAI = "tyt.honghai@demo.quangninh.vn"
BVBC = "bvbc@demo.quangninh.vn"
TODAY = date(2025, 4, 8)
ENGINEER = "data.engineer@demo.quangninh.vn"
SENDER = "kho-du-lieu@demo.quangninh.vn"
UI_URL = "http://dagster.demo.quangninh.vn:3000"
REFERENCE_DIR = Path(__file__).resolve().parents[2] / "sources" / "reference"
OFFICER = "thongke.syt@demo.quangninh.vn"  # the demo province's data officer (data_officers.csv)
INDICATOR_NAMES = [
    ("OPD_VISITS", "Số lượt khám bệnh ngoại trú", "Outpatient visits"),
    ("LIVE_BIRTHS", "Số trẻ đẻ ra sống", "Live births"),
    ("DOCTORS", "Số bác sĩ", "Doctors"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Collector:
    def __init__(self) -> None:
        self.envelopes: list = []
        self.refused_recipients: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused_recipients:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class SmtpSink:
    """aiosmtpd on 127.0.0.1; `stop()` and `start()` simulate an outage on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self._collector = _Collector()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self._collector, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def refuse(self, address: str) -> None:
        self._collector.refused_recipients.add(address)

    def accept_all(self) -> None:
        self._collector.refused_recipients.clear()

    @property
    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(e.content, policy=policy.default) for e in self._collector.envelopes]

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [
            message_from_bytes(e.content, policy=policy.default)
            for e in self._collector.envelopes if address in e.rcpt_tos
        ]


@dataclass
class TinyWarehouse:
    """Files a unit sent, the findings on them and the units' addresses, published on demand."""

    root: Path
    units: list[tuple] = field(default_factory=list)
    submissions: list[tuple] = field(default_factory=list)
    findings: list[tuple] = field(default_factory=list)

    @property
    def paths(self) -> WarehousePaths:
        return WarehousePaths(
            inbox_dir=self.root / "inbox",
            reference_dir=REFERENCE_DIR,  # read-only: the shipped registry (units, data officer)
            archive_dir=self.root / "archive",
            build_db=self.root / "build.duckdb",
            published_db=self.root / "published" / "published.duckdb",
            exports_dir=self.root / "published" / "exports",
        )

    def unit(self, code: str, name_vi: str, unit_type: str, email: str | None) -> None:
        self.units.append((code, name_vi, unit_type, email, datetime(2020, 1, 1).date(), None, code.split("-")[0]))

    def submit(
        self, unit_code: str | None, period_code: str | None, source: Path, arrived_at: datetime,
        status: str = "published", file_name: str | None = None,
    ) -> int:
        """Archives the file by content hash and records it in `raw.submissions`, as ingestion does."""
        submission_id = len(self.submissions) + 1
        file_name = file_name or source.name
        content = source.read_bytes()
        content_hash = hashlib.sha256(content).hexdigest()
        archive_path = f"{content_hash[:2]}/{content_hash}{source.suffix}"
        (self.paths.archive_dir / archive_path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, self.paths.archive_dir / archive_path)
        with duckdb.connect(str(self.paths.build_db)) as connection:
            ensure_submission_tables(connection)
            connection.execute(
                "insert into raw.submissions (submission_id, content_hash, file_name, inbox_path, archive_path,"
                " file_format, file_size_bytes, arrived_at, ingested_at, intake_status, org_unit_code, period_code)"
                " values (?,?,?,?,?,?,?,?,?,?,?,?)",
                [submission_id, content_hash, file_name, file_name, archive_path, source.suffix.lstrip("."),
                 len(content), arrived_at, arrived_at, "quarantined" if status == "quarantined" else "accepted",
                 unit_code, period_code],
            )
        self.submissions.append(
            (submission_id, file_name, content_hash, unit_code, period_code, arrived_at, status, None, None)
        )
        return submission_id

    def supersede(self, submission_id: int) -> None:
        self.submissions = [
            (*row[:6], "superseded", *row[7:]) if row[0] == submission_id else row for row in self.submissions
        ]

    def finding(
        self, submission_id: int, rule_code: str, severity: str, problem_vi: str, problem_en: str,
        indicator_code: str | None = None, cell_ref: str | None = None, sheet_name: str | None = SHEET,
        value_text: str | None = None, status: str = "open",
    ) -> None:
        row = next(r for r in self.submissions if r[0] == submission_id)
        where_vi = f"Tệp '{row[1]}'" + (f", trang '{sheet_name}', ô {cell_ref}" if cell_ref else "")
        where_en = f"File '{row[1]}'" + (f", sheet '{sheet_name}', cell {cell_ref}" if cell_ref else "")
        self.findings.append((
            row[3], row[4], indicator_code, rule_code, severity,
            f"{where_vi}: {problem_vi}", f"{where_en}: {problem_en}",
            row[1], sheet_name if cell_ref else None, cell_ref, submission_id, len(self.findings) + 1,
            value_text, status,
        ))

    def publish(self) -> None:
        published = self.paths.published_db
        published.parent.mkdir(parents=True, exist_ok=True)
        published.unlink(missing_ok=True)
        with duckdb.connect(str(published)) as connection:
            connection.execute("create schema marts")
            connection.execute(
                "create table marts.dim_org_units (org_unit_code varchar, name_vi varchar, unit_type varchar,"
                " email varchar, valid_from date, valid_to date, province_code varchar)"
            )
            connection.execute(
                "create table marts.fct_submissions (submission_id bigint, file_name varchar, content_hash varchar,"
                " org_unit_code varchar, period_code varchar, arrived_at timestamp, status varchar,"
                " reason_vi varchar, reason_en varchar)"
            )
            connection.execute(
                "create table marts.fct_dq_findings (org_unit_code varchar, period_code varchar,"
                " indicator_code varchar, rule_code varchar, severity varchar, message_vi varchar,"
                " message_en varchar, file_name varchar, sheet_name varchar, cell_ref varchar,"
                " submission_id bigint, finding_id bigint, value_text varchar, status varchar)"
            )
            connection.execute("create table marts.dim_indicators (indicator_code varchar, name_vi varchar,"
                               " name_en varchar)")
            for table, rows in (("dim_org_units", self.units), ("fct_submissions", self.submissions),
                                ("fct_dq_findings", self.findings), ("dim_indicators", INDICATOR_NAMES)):
                if rows:
                    marks = ",".join("?" * len(rows[0]))
                    connection.executemany(f"insert into marts.{table} values ({marks})", rows)


def report_workbook(path: Path, unit_code: str, period_text: str, values: dict[str, object]) -> Path:
    """A unit's .xlsx laid out like the submission contract: title, identity, then the table from row 5."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet["A1"] = "BÁO CÁO THỐNG KÊ Y TẾ"
    sheet.merge_cells("A1:E1")
    sheet["A2"], sheet["B2"] = "Mã đơn vị:", unit_code
    sheet["A3"], sheet["B3"] = "Kỳ báo cáo:", period_text
    for column, header in enumerate(["STT", "Mã chỉ số", "Tên chỉ số", "Giá trị", "Ghi chú"], start=1):
        sheet.cell(5, column, header)
    for row, (code, value) in enumerate(values.items(), start=6):
        sheet.cell(row, 1, row - 5)
        sheet.cell(row, 2, code)
        sheet.cell(row, 4, value).fill = TEMPLATE_INPUT_FILL
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def highlighted_cells(workbook: openpyxl.Workbook, colours: set[str]) -> set[tuple[str, str]]:
    return {
        (sheet.title, cell.coordinate)
        for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
        if cell.fill is not None and cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb in colours
    }


def commented_cells(workbook: openpyxl.Workbook) -> dict[tuple[str, str], str]:
    return {
        (sheet.title, cell.coordinate): cell.comment.text
        for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.comment
    }


def first_run_files(warehouse: TinyWarehouse, tmp_path: Path) -> dict[str, int]:
    """Hồng Hải sends a file with an error, a warning and a file-level warning; Bãi Cháy a clean file;
    Hạ Long health centre (no e-mail address) a file with one error."""
    warehouse.unit("QN-SYT", "Sở Y tế tỉnh Quảng Ninh", "health_department", "syt@demo.quangninh.vn")
    warehouse.unit("QN-TYT-HONGHAI", "Trạm Y tế phường Hồng Hải", "commune_station", HONGHAI)
    warehouse.unit("QN-BVBC", "Bệnh viện Bãi Cháy", "hospital", BVBC)
    warehouse.unit("QN-TTYT-HL", "Trung tâm Y tế Hạ Long", "health_centre", None)
    honghai_file = report_workbook(tmp_path / "in" / "HongHai_T3.xlsx", "QN-TYT-HONGHAI", "Tháng 3/2025",
                                   {"OPD_VISITS": 1200, "LIVE_BIRTHS": "<b>abc</b>", "DOCTORS": -5})
    workbook = openpyxl.load_workbook(honghai_file)
    workbook[SHEET]["E7"] = '=HYPERLINK("http://x.invalid")'
    workbook[SHEET]["E7"].data_type = "s"
    workbook.save(honghai_file)
    arrived = datetime(2025, 4, 3, 9)
    ids = {
        "honghai": warehouse.submit("QN-TYT-HONGHAI", "202503", honghai_file, arrived),
        "bvbc": warehouse.submit("QN-BVBC", "202503", report_workbook(
            tmp_path / "in" / "BVBC_T3.xlsx", "QN-BVBC", "Tháng 3/2025", {"OPD_VISITS": 5000}), arrived),
        "halong": warehouse.submit("QN-TTYT-HL", "202503", report_workbook(
            tmp_path / "in" / "TTYT_HL_T3.xlsx", "QN-TTYT-HL", "Tháng 3/2025", {"OPD_VISITS": "?"}), arrived),
    }
    warehouse.finding(ids["honghai"], "ING_UNPARSEABLE_VALUE", "error", "giá trị '<b>abc</b>' không phải là số. Cách sửa: "
                      "nhập số.", "'<b>abc</b>' is not a number. How to fix: type a number.", "LIVE_BIRTHS", "D7",
                      value_text="<b>abc</b>")
    warehouse.finding(ids["honghai"], "DQ_NEGATIVE_COUNT", "warning", "số âm. Cách sửa: kiểm tra lại.",
                      "negative value. How to fix: check it.", "DOCTORS", "D8", value_text="-5")
    warehouse.finding(ids["honghai"], "ID_NO_REPORT_DATE", "warning", "thiếu Ngày báo cáo. Cách sửa: điền ngày.",
                      "no report date. How to fix: fill it in.")
    warehouse.finding(ids["halong"], "ING_UNPARSEABLE_VALUE", "error", "giá trị '?' không phải là số. Cách sửa: nhập số.",
                      "'?' is not a number. How to fix: type a number.", "OPD_VISITS", "D6")
    warehouse.publish()
    return ids


def run_feedback(warehouse: TinyWarehouse, settings: AlertSettings, clock) -> FeedbackSummary:
    with duckdb.connect(str(warehouse.paths.build_db)) as connection:
        return send_unit_feedback(read_published(warehouse.paths.published_db), connection,
                                  warehouse.paths.archive_dir, settings, clock, "test-run", TODAY,
                                  load_registry(REFERENCE_DIR))


def alert_log(warehouse: TinyWarehouse) -> list[tuple]:
    with duckdb.connect(str(warehouse.paths.build_db), read_only=True) as connection:
        return connection.sql(
            "select org_unit_code, kind, delivery_status, len(finding_fingerprints) from raw.alert_log"
            " order by org_unit_code, kind, log_id"
        ).fetchall()


# Excel's "Strict Open XML Spreadsheet" save option writes the same parts under these namespaces.
STRICT_NAMESPACES = {
    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": b"http://purl.oclc.org/ooxml/spreadsheetml/main",
    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
}


def rewrite_package(path: Path, replacements: dict[bytes, bytes], parts: tuple[str, ...] | None = None) -> Path:
    """Replaces bytes inside the package's parts (all of them, or only `parts`), keeping the zip layout."""
    with zipfile.ZipFile(path) as package:
        entries = [(info, package.read(info.filename)) for info in package.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in entries:
            if parts is None or info.filename in parts:
                for old, new in replacements.items():
                    data = data.replace(old, new)
            package.writestr(info, data)
    return path


def strict_ooxml(path: Path) -> Path:
    """calamine reads it; openpyxl opens it without a single sheet."""
    return rewrite_package(path, STRICT_NAMESPACES)


def every_sheet_hidden(path: Path) -> Path:
    """openpyxl opens it but refuses to save it ("At least one sheet must be visible")."""
    return rewrite_package(path, {b'state="visible" r:id': b'state="hidden" r:id'}, parts=("xl/workbook.xml",))
