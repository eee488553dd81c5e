"""Alert delivery settings, read from the environment so no address or password is ever committed.

Kept apart from `orchestration.lib.settings` because only the alerting reads them, and an unset
SMTP host is a valid configuration: a province without a mail server still gets every alert as
files in the outbox folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from orchestration.lib.settings import REPO_ROOT, WarehousePaths

Security = Literal["none", "starttls", "ssl"]
DEFAULT_PORTS: dict[str, int] = {"none": 25, "starttls": 587, "ssl": 465}
DEFAULT_SENDER = "kho-du-lieu-y-te@localhost"
DEFAULT_UI_URL = "http://localhost:3000"
DEFAULT_MAX_ATTACHMENT_BYTES = 5_000_000
DEFAULT_REMINDER_WORKING_DAYS = 3


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

    @classmethod
    def from_environment(cls, paths: WarehousePaths | None = None) -> "AlertSettings":
        paths = paths or WarehousePaths.from_environment()
        return cls(
            smtp=smtp_from_environment(),
            sender=_get("ALERT_SENDER") or _get("ALERT_SMTP_USER") or DEFAULT_SENDER,
            engineer_email=_get("ALERT_ENGINEER_EMAIL"),
            dagster_ui_url=(_get("DAGSTER_UI_URL") or DEFAULT_UI_URL).rstrip("/"),
            outbox_dir=_outbox_dir(paths),
            max_attachment_bytes=int(_get("ALERT_MAX_ATTACHMENT_BYTES") or DEFAULT_MAX_ATTACHMENT_BYTES),
            reminder_working_days=int(_get("ALERT_REMINDER_WORKING_DAYS") or DEFAULT_REMINDER_WORKING_DAYS),
        )


def smtp_from_environment() -> SmtpSettings | None:
    host = _get("ALERT_SMTP_HOST")
    if host is None:
        return None
    # Encrypted by default: a province that only sets the host must not send passwords in clear.
    security = (_get("ALERT_SMTP_SECURITY") or "starttls").lower()
    if security not in DEFAULT_PORTS:
        raise ValueError(f"ALERT_SMTP_SECURITY must be none, starttls or ssl, not {security!r}")
    return SmtpSettings(
        host=host,
        port=int(_get("ALERT_SMTP_PORT") or DEFAULT_PORTS[security]),
        security=security,  # type: ignore[arg-type]
        user=_get("ALERT_SMTP_USER"),
        password=_get("ALERT_SMTP_PASSWORD"),
        timeout_seconds=float(_get("ALERT_SMTP_TIMEOUT_SECONDS") or 30),
    )


def _outbox_dir(paths: WarehousePaths) -> Path:
    """Next to the published warehouse by default, so an isolated warehouse gets an isolated outbox."""
    configured = _get("WAREHOUSE_OUTBOX_DIR")
    if configured is None:
        return paths.reports_dir / "outbox"
    path = Path(configured)
    return path if path.is_absolute() else REPO_ROOT / path


def _get(variable: str) -> str | None:
    value = os.environ.get(variable, "").strip()
    return value or None
