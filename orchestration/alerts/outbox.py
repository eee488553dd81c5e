"""The outbox folder: every alert as files, one folder per unit, for provinces that hand feedback
over on paper, USB stick or chat instead of e-mail.

Also the spool: when the build database is busy (another run holds DuckDB's single write lock),
an alert is parked here as a file and moved into the queue by the next flush, so it is never lost.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Iterator
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path

from orchestration.alerts.store import QueuedAlert

ENGINEERING_FOLDER = "_ky_thuat"
SPOOL_FOLDER = "_spool"
_UNSAFE = re.compile(r"[^\w.-]+")


def unit_folder(outbox_dir: Path, org_unit_code: str | None) -> Path:
    """Unit codes come from submissions too, so they are made path-safe before naming a folder."""
    name = _UNSAFE.sub("_", org_unit_code or "").strip("._") or ENGINEERING_FOLDER
    return outbox_dir / name


def write_outbox(outbox_dir: Path, alert: QueuedAlert, created_at: datetime) -> Path:
    """The .eml (opens in any mail program), the plain-text body and each attachment. Names derive
    from the alert id, so writing the same alert again overwrites rather than duplicates."""
    folder = unit_folder(outbox_dir, alert.org_unit_code)
    folder.mkdir(parents=True, exist_ok=True)
    prefix = f"{created_at:%Y%m%d}_{alert.kind}_{alert.alert_id[:12]}"
    message = message_from_bytes(alert.message, policy=policy.default)
    _write_atomic(folder / f"{prefix}.txt", message.get_body(preferencelist=("plain",)).get_content().encode())
    for part in message.iter_attachments():
        name = _UNSAFE.sub("_", Path(part.get_filename() or "tep_dinh_kem").name)
        _write_atomic(folder / f"{prefix}_{name}", part.get_content())
    eml = folder / f"{prefix}.eml"
    _write_atomic(eml, alert.message)
    return eml


def spool(outbox_dir: Path, alert: QueuedAlert) -> Path:
    record = {
        "alert_id": alert.alert_id, "kind": alert.kind, "org_unit_code": alert.org_unit_code,
        "period_code": alert.period_code, "recipient": alert.recipient, "subject": alert.subject,
        "message": base64.b64encode(alert.message).decode(), "finding_fingerprints": list(alert.finding_fingerprints),
    }
    path = outbox_dir / SPOOL_FOLDER / f"{alert.alert_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, json.dumps(record, ensure_ascii=False).encode())
    return path


def spooled(outbox_dir: Path) -> Iterator[tuple[Path, QueuedAlert]]:
    for path in sorted((outbox_dir / SPOOL_FOLDER).glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        record["message"] = base64.b64decode(record["message"])
        record["finding_fingerprints"] = tuple(record["finding_fingerprints"])
        yield path, QueuedAlert(**record)


def _write_atomic(path: Path, content: bytes) -> None:
    """A half-written file in a folder someone copies to a USB stick is worse than none."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)
