"""The units of work and how they are queued: one discovery batch of a run, one company
for research, one company for contacts, a run's completion, one notification. Names and
locks live here; the procrastinate tasks in :mod:`leadscout.workers.app` carry the same names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from leadscout.db.store import Conn, Store
from leadscout.models import Run

DISCOVER = "leadscout.discover_batch"
RESEARCH = "leadscout.research_company"
CONTACTS = "leadscout.find_contacts"
COMPLETE = "leadscout.complete_run"
NOTIFY = "leadscout.send_notification"
WEBHOOK = "leadscout.send_webhook"
SWEEP = "leadscout.sweep"
MONITOR_DELIVER = "leadscout.deliver_monitor_run"
MONITOR_SCHEDULE = "leadscout.start_due_monitors"

QUEUE_OF = {
    DISCOVER: "lead_list",
    RESEARCH: "company_research",
    CONTACTS: "contact_research",
    COMPLETE: "lead_list",
    NOTIFY: "notification",  # only workers that can send mail listen here (see lane_queues)
    WEBHOOK: "webhook",  # every lead_list worker can send HTTP
    MONITOR_DELIVER: "lead_list",
}
COMPANY_QUEUES = [QUEUE_OF[RESEARCH], QUEUE_OF[CONTACTS]]  # a run's work on each company it found
# Higher runs first (procrastinate orders by priority, then age): work that finishes a run in
# flight goes ahead of new discovery, so a deep queue does not delay lists that are nearly done;
# within a run, the unit with more of the run behind it first (a company's research before another
# company's contacts: its contacts wait on it, so the last runs' chains start sooner).
PRIORITY_OF = {DISCOVER: 0, CONTACTS: 1, RESEARCH: 2, COMPLETE: 3, NOTIFY: 4, WEBHOOK: 4, MONITOR_DELIVER: 3}
MAINTENANCE_QUEUE = "maintenance"
WORKER_TYPES = {
    "lead_list": ["lead_list"],
    "company_research": ["company_research"],
    "contact_research": ["contact_research"],
    "all": ["lead_list", "company_research", "contact_research"],
}


def lane_queues(worker_type: str, lane: str | None, *, can_mail: bool = False) -> list[str]:
    """The queues a worker listens to: shared ones, or a pinned run's lane. Notifications go only
    to a worker that can send them (SMTP_HOST set): one without would take the job and leave the
    message unsent (a `leadscout run` waiting for it then waited for ever)."""
    queues = list(WORKER_TYPES[worker_type])
    if "lead_list" in queues:  # webhooks need only HTTP; mail needs SMTP_HOST
        queues += [QUEUE_OF[WEBHOOK], *([QUEUE_OF[NOTIFY]] if can_mail else [])]
    return [f"{q}@{lane}" if lane else q for q in queues]


@dataclass(frozen=True)
class JobSpec:
    task_name: str
    args: dict[str, Any]
    lock: str
    queueing_lock: str
    lane: str | None = None
    urgency: int = 0  # added to the task's priority: see discover_job

    @property
    def queue(self) -> str:
        base = QUEUE_OF[self.task_name]
        return f"{base}@{self.lane}" if self.lane else base

    @property
    def priority(self) -> int:
        return PRIORITY_OF[self.task_name] + self.urgency


def discover_job(run: Run, *, in_flight: bool = False, refill: bool = False) -> JobSpec:
    """A run's discovery batch. ``in_flight``: the batch after one that delivered companies, whose
    research is queued beside it (it goes first: it is the run's critical path). ``refill``: the
    batch that replaces a company dropped after research or contacts, when the rest of the run is
    done or nearly: it goes with the work that finishes runs (measured: at priority 0 it waited
    behind every queued research and contacts job, the last seconds of a run's wall time)."""
    # lock: one batch of a run runs at a time; queueing_lock: at most one waits
    key = f"discover:{run.id}"
    urgency = PRIORITY_OF[COMPLETE] if refill else PRIORITY_OF[RESEARCH] if in_flight else 0
    return JobSpec(DISCOVER, {"run_id": str(run.id)}, lock=key, queueing_lock=key, lane=run.lane, urgency=urgency)


def research_job(run: Run, company_id: UUID) -> JobSpec:
    key = f"research:{company_id}"
    return JobSpec(RESEARCH, {"run_id": str(run.id), "company_id": str(company_id)}, key, key, run.lane)


def contacts_job(run: Run, company_id: UUID) -> JobSpec:
    key = f"contacts:{company_id}"
    return JobSpec(CONTACTS, {"run_id": str(run.id), "company_id": str(company_id)}, key, key, run.lane)


def complete_job(run: Run) -> JobSpec:
    key = f"complete:{run.id}"
    return JobSpec(COMPLETE, {"run_id": str(run.id)}, key, key, run.lane)


def monitor_deliver_job(run: Run) -> JobSpec:
    """A monitor's completed run: re-check what it delivered before, then deliver what changed."""
    key = f"monitor_deliver:{run.id}"
    return JobSpec(MONITOR_DELIVER, {"run_id": str(run.id)}, key, key, run.lane)


def notify_job(run: Run, message_id: UUID) -> JobSpec:
    key = f"notify:{message_id}"
    return JobSpec(NOTIFY, {"run_id": str(run.id), "message_id": str(message_id)}, key, key, run.lane)


def webhook_job(run: Run, message_id: UUID) -> JobSpec:
    key = f"webhook:{message_id}"
    return JobSpec(WEBHOOK, {"run_id": str(run.id), "message_id": str(message_id)}, key, key, run.lane)


async def enqueue(store: Store, conn: Conn, job: JobSpec, *, unless_live: bool = False) -> int | None:
    """Queue ``job`` in the caller's transaction; None when the same job already waits (or,
    ``unless_live``, when one holding its lock waits or runs: a unit started ahead of its stage)."""
    return await store.defer_job(
        conn,
        queue=job.queue,
        task_name=job.task_name,
        priority=job.priority,
        lock=job.lock,
        queueing_lock=job.queueing_lock,
        args=job.args,
        unless_live=unless_live,
    )
