"""Every setting the warehouse takes from its environment, declared once and read with one policy.

Each variable is declared below with its default and what it may hold; the README's configuration
tables list the same names. One policy for all of them: unset or blank means the default, anything
else must parse, or loading stops with the variable's name, its value and what is allowed — a
setting silently replaced by its default would hide that the operator's choice is not in force.

The result is a frozen tree (paths, intake limits, alerts, clock), built once where the Dagster
code location is assembled (`orchestration/definitions.py`) and by the command-line entry points,
then handed on: to the assets as resources (`orchestration/lib/resources.py`), never re-read.
Relative paths are resolved against the repository root, never the caller's working directory,
because the webserver, the daemon and dbt's subprocess each start in a different directory.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from orchestration.lib.clock import SYSTEM_CLOCK, Clock
from orchestration.lib.inbox import DEFAULT_SETTLE_SECONDS, SettleRule
from orchestration.lib.workbook.limits import IntakeLimits

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"

Security = Literal["none", "starttls", "ssl"]
DEFAULT_PORTS: dict[str, int] = {"none": 25, "starttls": 587, "ssl": 465}


class SettingsError(ValueError):
    """One line per malformed variable, so an operator fixes them all in one go."""


@dataclass(frozen=True)
class Kind:
    """What a variable may hold: a parser that raises ValueError, and the words for the error."""

    parse: Callable[[str], object]
    allowed_en: str
    allowed_vi: str
    secret: bool = False  # the error message names the variable but never quotes its value


def _path(text: str) -> Path:
    path = Path(text)
    return path if path.is_absolute() else REPO_ROOT / path


def _integer(low: int, high: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not re.fullmatch(r"\+?\d+", text):  # no "1.5", "10MB", "1e6"
            raise ValueError(text)
        value = int(text)
        if value < low or (high is not None and value > high):
            raise ValueError(text)
        return value

    return parse


def _positive_number(text: str) -> float:
    value = float(text)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(text)
    return value


def _seconds_or_zero(text: str) -> float:
    value = float(text)
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(text)
    return value


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered not in ("true", "false", "1", "0", "yes", "no"):
        raise ValueError(text)
    return lowered in ("true", "1", "yes")


def _security(text: str) -> str:
    if text.lower() not in DEFAULT_PORTS:
        raise ValueError(text)
    return text.lower()


def _email(text: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", text):
        raise ValueError(text)
    return text


def _postgres_url(text: str) -> str:
    """A libpq URL; its parts are libpq's business, checked when the publisher connects."""
    if not re.fullmatch(r"postgres(ql)?://\S*", text):
        raise ValueError("not a postgresql:// URL")
    return text


def mask_password(url: str) -> str:
    """`url` with any password replaced by ***, for logs, metadata and messages. Everything between
    the user name and the last @ is hidden, so a password holding an unencoded @, / or ? (which
    libpq would reject, but an operator may type) is hidden whole; hiding too much is the safe side."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return "***"
    if "@" in rest:
        user_info, host = rest.rsplit("@", 1)
        user = re.split(r"[:/?]", user_info, maxsplit=1)[0]
        if user != user_info:
            rest = f"{user}:***@{host}"
    rest = re.sub(r"(password=)[^&]*", r"\1***", rest, flags=re.IGNORECASE)
    return f"{scheme}://{rest}"


def _url(text: str) -> str:
    if not re.fullmatch(r"https?://\S+", text):
        raise ValueError(text)
    return text.rstrip("/")  # run links are built as f"{url}/runs/{id}"


PATH = Kind(_path, "a path (relative to the repository root, or absolute)",
            "một đường dẫn (tương đối với thư mục kho mã, hoặc tuyệt đối)")
POSITIVE_INTEGER = Kind(_integer(1), "a positive integer", "một số nguyên dương")
WORKING_DAYS = Kind(_integer(0), "a whole number of working days, 0 or more", "một số ngày làm việc, từ 0 trở lên")
PORT = Kind(_integer(1, 65535), "a port number from 1 to 65535", "một số cổng từ 1 đến 65535")
SECONDS = Kind(_positive_number, "a positive number of seconds", "một số giây dương")
SECONDS_OR_ZERO = Kind(_seconds_or_zero, "a number of seconds, 0 or more", "một số giây, từ 0 trở lên")
BOOLEAN = Kind(_boolean, "true or false (also 1/0, yes/no)", "true hoặc false (hoặc 1/0, yes/no)")
SECURITY = Kind(_security, "none, starttls or ssl", "none, starttls hoặc ssl")
EMAIL = Kind(_email, "an e-mail address", "một địa chỉ e-mail")
URL = Kind(_url, "an http:// or https:// address", "một địa chỉ http:// hoặc https://")
TEXT = Kind(str, "any text", "văn bản bất kỳ")
POSTGRES_URL = Kind(_postgres_url, "a postgresql:// or postgres:// URL (libpq)",
                    "một địa chỉ postgresql:// hoặc postgres:// (libpq)", secret=True)


@dataclass(frozen=True)
class Variable:
    name: str
    kind: Kind
    default: object = None  # already parsed; None = unset, whatever "unset" means for the setting

    def read(self, environ: Mapping[str, str]) -> object:
        text = environ.get(self.name, "").strip()
        if not text:
            return self.default
        try:
            return self.kind.parse(text)
        except ValueError:
            shown = "***" if self.kind.secret else text
            raise SettingsError(
                f"{self.name}={shown!r}: expected {self.kind.allowed_en} / cần {self.kind.allowed_vi}"
            ) from None


_LIMIT_DEFAULTS = IntakeLimits()
# Environment variable -> IntakeLimits field; the defaults are the dataclass's own.
LIMIT_VARIABLES = {
    "WAREHOUSE_MAX_FILE_BYTES": "max_file_bytes",
    "WAREHOUSE_MAX_UNCOMPRESSED_BYTES": "max_uncompressed_bytes",
    "WAREHOUSE_MAX_COMPRESSION_RATIO": "max_compression_ratio",
    "WAREHOUSE_MAX_ZIP_ENTRIES": "max_zip_entries",
    "WAREHOUSE_MAX_SHEETS": "max_sheets",
    "WAREHOUSE_MAX_ROWS": "max_rows",
    "WAREHOUSE_MAX_COLUMNS": "max_columns",
}

VARIABLES: dict[str, Variable] = {
    variable.name: variable
    for variable in (
        Variable("WAREHOUSE_INBOX_DIR", PATH, _path("sources/inbox")),
        Variable("WAREHOUSE_REFERENCE_DIR", PATH, _path("sources/reference")),
        Variable("WAREHOUSE_ARCHIVE_DIR", PATH, _path("warehouse/archive")),
        Variable("WAREHOUSE_BUILD_DB", PATH, _path("warehouse/build.duckdb")),
        Variable("WAREHOUSE_PUBLISHED_DB", PATH, _path("warehouse/published.duckdb")),
        Variable("WAREHOUSE_EXPORTS_DIR", PATH),  # unset: `exports` next to the published warehouse
        Variable("WAREHOUSE_OUTBOX_DIR", PATH),  # unset: next to the published warehouse
        *(Variable(name, POSITIVE_INTEGER, getattr(_LIMIT_DEFAULTS, field)) for name, field in LIMIT_VARIABLES.items()),
        Variable("WAREHOUSE_INBOX_SETTLE_SECONDS", SECONDS_OR_ZERO, DEFAULT_SETTLE_SECONDS),
        Variable("ALERT_SMTP_HOST", TEXT),  # unset: alerts go to the outbox folder only
        Variable("ALERT_SMTP_PORT", PORT),  # unset: the usual port of the security mode
        # Encrypted by default: a province that only sets the host must not send passwords in clear.
        Variable("ALERT_SMTP_SECURITY", SECURITY, "starttls"),
        Variable("ALERT_SMTP_USER", TEXT),
        Variable("ALERT_SMTP_PASSWORD", TEXT),  # any text parses, so no error message ever quotes it
        Variable("ALERT_SMTP_TIMEOUT_SECONDS", SECONDS, 30.0),
        Variable("ALERT_SENDER", EMAIL),  # unset: the SMTP user, else DEFAULT_SENDER
        Variable("ALERT_ENGINEER_EMAIL", EMAIL),
        Variable("DAGSTER_UI_URL", URL, "http://localhost:3000"),
        Variable("ALERT_MAX_ATTACHMENT_BYTES", POSITIVE_INTEGER, 5_000_000),
        Variable("ALERT_REMINDER_WORKING_DAYS", WORKING_DAYS, 3),
        Variable("WAREHOUSE_POSTGRES_URL", POSTGRES_URL),  # unset: no PostgreSQL publication target
        # Longer than any run takes: a run started while another holds the warehouse waits its turn.
        Variable("WAREHOUSE_RUN_WAIT_SECONDS", SECONDS, 3600.0),
        # Off: each run rebuilds only the periods its new files touch (transform/incremental.py).
        Variable("WAREHOUSE_FULL_REBUILD", BOOLEAN, False),
    )
}
DEFAULT_SENDER = "kho-du-lieu-y-te@localhost"


@dataclass(frozen=True)
class WarehousePaths:
    inbox_dir: Path
    reference_dir: Path
    archive_dir: Path
    build_db: Path
    published_db: Path
    exports_dir: Path  # one folder per publication of CSV, Parquet, ... and the `current` link

    @property
    def reports_dir(self) -> Path:
        """Human-readable outputs (quality reports) live next to the warehouse they describe."""
        return self.published_db.parent


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: Security
    user: str | None
    password: str | None = None
    timeout_seconds: float = 30.0

    def __repr__(self) -> str:
        # Settings end up in logs and tracebacks; the password must not.
        return f"SmtpSettings(host={self.host!r}, port={self.port}, security={self.security!r}, user={self.user!r})"


@dataclass(frozen=True)
class AlertSettings:
    smtp: SmtpSettings | None  # None: write the outbox folder only
    sender: str
    engineer_email: str | None
    dagster_ui_url: str
    outbox_dir: Path
    max_attachment_bytes: int
    reminder_working_days: int


@dataclass(frozen=True)
class PostgresTarget:
    """The PostgreSQL database each publication is also loaded into."""

    url: str  # libpq URL, password included: hand it to the driver, never print it

    def __repr__(self) -> str:
        # Settings end up in logs and tracebacks; the password must not.
        return f"PostgresTarget(url={mask_password(self.url)!r})"


@dataclass(frozen=True)
class PublicationTargets:
    """The database servers each publication is also loaded into; none unless configured. One object,
    so the publish step takes one resource however many kinds of target there come to be."""

    postgres: PostgresTarget | None = None


@dataclass(frozen=True)
class RebuildPolicy:
    """`always_full`: every run rebuilds the whole warehouse, never just the affected periods; a run
    tagged `full_rebuild=true` (the monthly schedule) does so regardless."""

    always_full: bool = False

    def full_rebuild(self, run_tags: Mapping[str, str]) -> bool:
        return self.always_full or run_tags.get(FULL_REBUILD_TAG, "").lower() == "true"


FULL_REBUILD_TAG = "full_rebuild"


@dataclass(frozen=True)
class Settings:
    paths: WarehousePaths
    limits: IntakeLimits
    alerts: AlertSettings
    clock: Clock = SYSTEM_CLOCK
    postgres: PostgresTarget | None = None  # None: publish the DuckDB file (and exports) only
    settle: SettleRule = SettleRule()  # how long an inbox file must stand still before it is read
    run_wait_seconds: float = 3600.0  # how long a run waits for another to release the warehouse
    rebuild: RebuildPolicy = RebuildPolicy()


def warehouse_environment(root: Path) -> dict[str, str]:
    """The variables that put a warehouse's inbox, archive, build and published files under one
    folder: how the tests and the benchmarks keep off the repository's own warehouse."""
    return {
        "WAREHOUSE_INBOX_DIR": str(root / "inbox"),
        "WAREHOUSE_ARCHIVE_DIR": str(root / "archive"),
        "WAREHOUSE_BUILD_DB": str(root / "build.duckdb"),
        "WAREHOUSE_PUBLISHED_DB": str(root / "published" / "published.duckdb"),
    }


def load_settings(environ: Mapping[str, str] | None = None, clock: Clock = SYSTEM_CLOCK) -> Settings:
    """The settings `environ` (the process environment by default) gives; SettingsError names
    every malformed variable. Tests pass a mapping of their own instead of patching the process."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    errors: list[str] = []
    for name, variable in VARIABLES.items():
        try:
            values[name] = variable.read(environ)
        except SettingsError as error:
            errors.append(str(error))
    if errors:
        raise SettingsError("\n".join(errors))
    paths = WarehousePaths(
        inbox_dir=values["WAREHOUSE_INBOX_DIR"],
        reference_dir=values["WAREHOUSE_REFERENCE_DIR"],
        archive_dir=values["WAREHOUSE_ARCHIVE_DIR"],
        build_db=values["WAREHOUSE_BUILD_DB"],
        published_db=values["WAREHOUSE_PUBLISHED_DB"],
        # Next to the published warehouse by default (warehouse/exports), so an isolated warehouse
        # gets isolated exports, as with the outbox.
        exports_dir=values["WAREHOUSE_EXPORTS_DIR"] or values["WAREHOUSE_PUBLISHED_DB"].parent / "exports",
    )
    limits = IntakeLimits(**{field: values[name] for name, field in LIMIT_VARIABLES.items()})
    postgres_url = values["WAREHOUSE_POSTGRES_URL"]
    return Settings(
        paths=paths,
        limits=limits,
        alerts=_alert_settings(values, paths),
        clock=clock,
        postgres=None if postgres_url is None else PostgresTarget(postgres_url),
        settle=SettleRule(values["WAREHOUSE_INBOX_SETTLE_SECONDS"]),
        run_wait_seconds=values["WAREHOUSE_RUN_WAIT_SECONDS"],
        rebuild=RebuildPolicy(values["WAREHOUSE_FULL_REBUILD"]),
    )


def _alert_settings(values: Mapping[str, object], paths: WarehousePaths) -> AlertSettings:
    host, security, user = values["ALERT_SMTP_HOST"], values["ALERT_SMTP_SECURITY"], values["ALERT_SMTP_USER"]
    smtp = None if host is None else SmtpSettings(
        host=host,
        port=values["ALERT_SMTP_PORT"] or DEFAULT_PORTS[security],
        security=security,
        user=user,
        password=values["ALERT_SMTP_PASSWORD"],
        timeout_seconds=values["ALERT_SMTP_TIMEOUT_SECONDS"],
    )
    return AlertSettings(
        smtp=smtp,
        sender=values["ALERT_SENDER"] or user or DEFAULT_SENDER,
        engineer_email=values["ALERT_ENGINEER_EMAIL"],
        dagster_ui_url=values["DAGSTER_UI_URL"],
        # Next to the published warehouse by default, so an isolated warehouse gets an isolated outbox.
        outbox_dir=values["WAREHOUSE_OUTBOX_DIR"] or paths.reports_dir / "outbox",
        max_attachment_bytes=values["ALERT_MAX_ATTACHMENT_BYTES"],
        reminder_working_days=values["ALERT_REMINDER_WORKING_DAYS"],
    )
