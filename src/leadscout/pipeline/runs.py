"""Create runs and read their progress (the API behind ``leadscout run`` and ``status``)."""

from __future__ import annotations

from collections import Counter
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from leadscout.criteria import Criteria
from leadscout.db.store import Conn, Store
from leadscout.errors import NotFound, id_or_not_found
from leadscout.models import OutboxMessage, Run, Status
from leadscout.pipeline import jobs
from leadscout.usage import Usage, project


async def create_run(
    store: Store,
    criteria: Criteria,
    *,
    batch_size: int,
    options: dict[str, Any] | None = None,
    spent: Usage | None = None,
    conn: Conn | None = None,
) -> Run:
    """Insert the run, its first event and its first discovery job in one transaction, the
    caller's when given (``spent``: what understanding the request cost, e.g. an LLM parse)."""
    if conn is None:
        async with store.transaction() as fresh:
            return await create_run(store, criteria, batch_size=batch_size, options=options, spent=spent, conn=fresh)
    run = await store.insert_run(
        conn,
        criteria=criteria.model_dump(mode="json"),
        target_quantity=criteria.quantity,
        contacts_min=criteria.contacts_min,
        contacts_max=criteria.contacts_max,
        batch_size=batch_size,
        notes=None,
        options=options or {"sources": ["directory"]},
    )
    await store.insert_event(
        run.id,
        "run_created",
        {"criteria": criteria.model_dump(mode="json"), "summary": criteria.describe(), "batch_size": batch_size},
        conn=conn,
    )
    if spent is not None and not spent.empty:
        await store.insert_usage(run.id, None, "parse", spent, conn)
    await jobs.enqueue(store, conn, jobs.discover_job(run))
    return run


class BatchSummary(BaseModel):
    number: int
    requested: int
    found: int
    seconds: float | None
    status: str
    attempts: int


class RunSummary(BaseModel):
    """The stable ``--json`` shape of ``leadscout run`` and ``leadscout status``."""

    run_id: UUID
    status: str
    stage: str
    target_quantity: int
    companies_found: int
    contacts_found: int
    success_rate: float
    batches: list[BatchSummary]
    total_seconds: float | None
    avg_batch_seconds: float | None
    criteria: Criteria
    decision_options: list[dict[str, Any]] | None
    # while a decision waits: each company short of the target (contacts short, or the nearest
    # misses of discovery) and why, with what was read
    decision_companies: list[dict[str, Any]] = Field(default_factory=list)
    candidates: dict[str, Any] = {}  # web discovery: candidates by outcome, rejections by criterion
    exports: dict[str, str] | None = None
    dropped: list[dict[str, Any]] = Field(default_factory=list)  # research contradicted discovery, or replaced
    emails: dict[str, int] = Field(default_factory=dict)  # contacts with an email, by verdict
    notifications: list[str] = Field(default_factory=list)  # "sent to a@b" | "held (no SMTP_HOST…)"
    gap: dict[str, int] = Field(default_factory=dict)  # the seed's get_pm_company_gap: ready, gap, batches done
    strategy: str = "rules"  # rules | agent
    usage: dict[str, Any] = Field(default_factory=dict)  # spending: total, per accepted company, by stage


async def _decision_companies(store: Store, run: Run) -> list[dict[str, Any]]:
    if run.status != Status.NEEDS_USER_DECISION:
        return []
    asked = [e for e in await store.events_since(run.id, 0, 100_000) if e.event == "needs_user_decision"]
    return list(asked[-1].payload.get("companies", [])) if asked else []


async def get_run_or_raise(store: Store, run_id: UUID | str) -> Run:
    uid = id_or_not_found(run_id, "run", "leadscout runs")
    run = await store.get_run(uid)
    if run is None:
        raise NotFound(f"no run {uid}; `leadscout runs` lists them")
    return run


async def summarize(store: Store, run_id: UUID | str) -> RunSummary:
    run = await get_run_or_raise(store, run_id)
    gap = await store.company_gap(run.id)
    batches = await store.list_batches(run.id)
    contacts = await store.run_contacts(run.id)
    assert gap is not None
    done = [b for b in batches if b.seconds is not None]
    end = run.finished_at or (max(b.finished_at for b in done if b.finished_at) if done else None)
    total = round((end - run.created_at).total_seconds(), 3) if end else None
    return RunSummary(
        run_id=run.id,
        status=run.status.value,
        stage=run.stage.value,
        target_quantity=run.target_quantity,
        companies_found=gap.companies_ready,
        contacts_found=len(contacts),
        success_rate=round(100.0 * gap.companies_ready / run.target_quantity, 1),
        batches=[
            BatchSummary(
                number=b.batch_no,
                requested=b.requested,
                found=b.found,
                seconds=b.seconds,
                status=b.status,
                attempts=b.attempts,
            )
            for b in batches
        ],
        total_seconds=total,
        avg_batch_seconds=round(sum(b.seconds or 0 for b in done) / len(done), 3) if done else None,
        criteria=run.criteria,
        decision_options=run.decision_options,
        decision_companies=await _decision_companies(store, run),
        candidates=await _candidate_summary(store, run.id),
        exports=_completion_exports(await store.completion_payload(run.id)),
        dropped=[
            {"domain": r["domain"], "name": r["name"], "reason": r["drop_reason"]}
            for r in await store.dropped_companies(run.id)
        ],
        notifications=[_describe(m) for m in await store.list_outbox(run.id)],
        emails=dict(Counter((c.email_status or "unverified").split("(")[0] for c in contacts if c.email)),
        gap=gap.model_dump(include={"companies_ready", "companies_gap", "batches_done"}),
        strategy=str(run.options.get("strategy", "rules")),
        usage=await _usage_summary(store, run.id, gap.companies_ready, run.target_quantity),
    )


async def _usage_summary(store: Store, run_id: UUID, ready: int, target: int) -> dict[str, Any]:
    spent = await store.usage_totals(run_id)
    projection = project(spent, ready, target)
    return {
        "total": spent.model_dump(),
        "per_accepted_company": projection.get("per_accepted_company"),
        "by_stage": await store.usage_by_scope(run_id),
    }


def _describe(message: OutboxMessage) -> str:
    to = ", ".join(message.recipients) or "nobody"
    if message.endpoint_id is not None:
        tries = f"{message.attempts} attempt{'s' if message.attempts != 1 else ''}"
        why = f": {message.last_error}" if message.last_error and message.status != "sent" else ""
        return f"webhook {message.kind} {message.status} to {to} ({tries}){why}"
    if message.status == "held":
        return "held: set SMTP_HOST and LEADSCOUT_NOTIFY_TO, then `leadscout outbox send " + f"{message.id}`"
    return f"{message.status} to {to}" + (f" ({message.last_error})" if message.last_error else "")


def _completion_exports(payload: dict[str, Any] | None) -> dict[str, str] | None:
    files = (payload or {}).get("files") or {}
    if "companies_csv" not in files:
        return None
    return {"companies": files["companies_csv"], "contacts": files["contacts_csv"], **files}


async def _candidate_summary(store: Store, run_id: UUID) -> dict[str, Any]:
    from leadscout.pipeline.web_source import rejection_summary

    rows = await store.candidate_stats(run_id)
    if not rows:
        return {}
    return {
        "by_status": dict(Counter(r["status"] for r in rows)),
        "rejections_by_criterion": dict(rejection_summary(rows)),
        "fetches": sum(r["fetches"] for r in rows),
        "retries": sum(r["retries"] for r in rows),
    }


async def cancel_run(store: Store, run_id: UUID | str) -> Run:
    """Cancel an active or waiting run; its queued jobs find it cancelled and do nothing."""
    from leadscout.errors import Conflict
    from leadscout.pipeline import state

    run = await get_run_or_raise(store, run_id)
    async with store.transaction() as conn:
        locked = await store.lock_run(run.id, conn)
        if locked is None or locked.status not in (Status.ACTIVE, Status.NEEDS_USER_DECISION):
            raise Conflict(f"run {run.id} is {locked.status.value if locked else 'gone'}: nothing to cancel")
        await state.move(store, conn, locked, "cancel")
    return await get_run_or_raise(store, run.id)
