"""Delivery of a completed run: its export files and a notification in the outbox, then
the outbox sent over SMTP (retried on transient errors, deduplicated by a Message-ID that
is derived from the outbox row, so a resend after a crash is the same message)."""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from uuid import UUID

from leadscout.db.store import Store
from leadscout.errors import PermanentError, TransientError
from leadscout.models import NewOutboxMessage, Run, StageProgress
from leadscout.pipeline.export import export_run

COMPLETION_FORMATS = ("csv", "json", "xlsx")


@dataclass
class Mailer:
    host: str
    port: int = 587
    user: str | None = None
    password: str | None = None
    sender: str = "leadscout@localhost"
    starttls: bool = False
    timeout: float = 20.0

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user and self.password:
                smtp.login(self.user, self.password)
            smtp.send_message(message)


@dataclass
class Delivery:
    exports_dir: Path
    recipients: list[str] = field(default_factory=list)
    mailer: Mailer | None = None

    async def write_exports(self, store: Store, run: Run) -> dict[str, str]:
        files: dict[str, str] = {}
        for fmt in COMPLETION_FORMATS:
            written = await export_run(store, run.id, self.exports_dir / str(run.id), fmt)
            files |= {f"{kind}_{fmt}": path for kind, path in written.items()}
        return files

    def notification(self, run: Run, files: dict[str, str], progress: StageProgress) -> NewOutboxMessage:
        criteria = run.criteria
        partial = " (partial, accepted)" if run.options.get("accept_partial") else ""
        lines = [
            f"Run {run.id} is complete{partial}.",
            "",
            f"Request: {criteria.describe()}",
            f"Companies delivered: {progress.companies} of {run.target_quantity}",
            "",
            "Files:",
            *(f"  {path}" for path in files.values()),
        ]
        ready = bool(self.recipients) and self.mailer is not None
        return NewOutboxMessage(
            run_id=run.id,
            kind="run_completed",
            dedupe_key=f"run_completed:{run.id}",
            recipients=self.recipients,
            subject=f"leadscout: {progress.companies} companies ready ({criteria.describe()})"[:200],
            body="\n".join(lines),
            attachments=[files[k] for k in ("companies_csv", "contacts_csv") if k in files],
            status="pending" if ready else "held",  # held: no SMTP_HOST or no LEADSCOUT_NOTIFY_TO
        )


async def send_notification(store: Store, mailer: Mailer | None, message_id: UUID) -> str:
    """Send one outbox message. Transient SMTP trouble raises TransientError (the job retries);
    a refusal is final. A message already sent is never sent again."""
    message = await store.claim_outbox(message_id)
    if message is None:
        return "skipped: already sent or settled"
    if mailer is None:  # only a job queued by an older release reaches a worker without SMTP_HOST
        await store.settle_outbox(message.id, "held", "the worker that took it has no SMTP_HOST")
        return "held: SMTP_HOST is not set"
    email = EmailMessage()
    email["From"] = mailer.sender
    email["To"] = ", ".join(message.recipients)
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = f"<outbox-{message.id}@leadscout>"
    email.set_content(message.body)
    for path in message.attachments:
        file = Path(path)
        if file.is_file():
            email.add_attachment(file.read_bytes(), maintype="text", subtype="csv", filename=file.name)
    try:
        await asyncio.to_thread(mailer.send, email)
    except smtplib.SMTPRecipientsRefused as exc:
        await store.settle_outbox(message.id, "failed", f"recipients refused: {exc.recipients}"[:500])
        raise PermanentError(f"notification {message.id}: every recipient was refused") from exc
    except (OSError, smtplib.SMTPException) as exc:
        await store.settle_outbox(message.id, "pending", f"{type(exc).__name__}: {exc}"[:500])
        raise TransientError(f"notification {message.id}: {exc}") from exc
    await store.settle_outbox(message.id, "sent")
    return f"sent {message.id} to {len(message.recipients)} recipient(s)"
