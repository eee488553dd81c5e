"""Turning a message's content into an e-mail: jinja2 templates (HTML autoescaped) and MIME parts.

Everything shown comes from submissions somewhere down the line (file names, typed values inside
messages), so the HTML body is always escaped and headers are forced onto one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import jinja2

from orchestration.lib.clock import VIETNAM

TEMPLATES_DIR = Path(__file__).parent / "templates"
XLSX_MIME = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
_ADDRESS = re.compile(r"[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[^@\s<>,;:\"()\[\]\\]+")
_MAX_SUBJECT_CHARS = 200
# Headers unfolded on output: CPython's folder can put the space before a folded non-ASCII word
# outside the encoded words, and readers then drop it ("3/2025 – 2" arrives as "3/2025– 2"). A
# 200-character subject stays far below SMTP's 998-octet line limit; bodies are wrapped by set_content.
_WIRE_POLICY = policy.SMTP.clone(max_line_length=0)

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=True),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class Attachment:
    file_name: str
    content: bytes


@dataclass(frozen=True)
class ComposedEmail:
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()


def render(template: str, subject: str, attachments: tuple[Attachment, ...] = (), **context: object) -> ComposedEmail:
    """`template` names a pair `<template>.txt` / `<template>.html` in the templates folder."""
    subject = " ".join(subject.split())[:_MAX_SUBJECT_CHARS]
    return ComposedEmail(
        subject=subject,
        text=_ENVIRONMENT.get_template(f"{template}.txt").render(subject=subject, **context),
        html=_ENVIRONMENT.get_template(f"{template}.html").render(subject=subject, **context),
        attachments=attachments,
    )


def usable_address(address: str | None) -> str | None:
    """A registry address that is not one plain address (several, a display name, a typo) is not
    guessed at: the alert goes to the outbox folder instead."""
    address = (address or "").strip()
    return address if _ADDRESS.fullmatch(address) else None


def build_message(
    composed: ComposedEmail, sender: str, recipient: str | None, alert_id: str, created_at: datetime,
    reply_to: str | None = None,
) -> bytes:
    """The bytes that are queued, written to the outbox and sent; the Message-ID follows the alert
    so a mail system that sees the same alert twice can tell. `reply_to`: the person a unit's
    answer should reach (the province's data officer), since the sender is a machine."""
    message = EmailMessage()
    message["Subject"] = composed.subject
    message["From"] = sender
    if recipient:
        message["To"] = recipient
    if reply_to:
        message["Reply-To"] = reply_to
    # Vietnam's offset (+0700): what a reader's mail program shows when it shows the header as sent.
    message["Date"] = format_datetime(created_at.replace(tzinfo=timezone.utc).astimezone(VIETNAM))
    message["Message-ID"] = f"<{alert_id[:40]}@kho-du-lieu-y-te>"
    message.set_content(composed.text, charset="utf-8")
    message.add_alternative(composed.html, subtype="html", charset="utf-8")
    for attachment in composed.attachments:
        message.add_attachment(attachment.content, *XLSX_MIME, filename=attachment.file_name)
    return message.as_bytes(policy=_WIRE_POLICY)
