"""Delivering one monitor run, once its run has completed: re-check every company the monitor
delivered before (each check kept as it is done, so a retried job resumes), then record in ONE
transaction what changed, the new snapshots, and the webhook and email that announce it."""

from __future__ import annotations

import asyncio
from uuid import UUID

from leadscout.db.store import Conn, Store
from leadscout.models import Company, CompanyFacts, NewOutboxMessage, Run
from leadscout.models.monitors import (
    Check,
    Delivered,
    KnownContact,
    Monitor,
    MonitorRun,
    NewCompany,
    Snapshot,
    WatchedCompany,
)
from leadscout.monitors.recheck import Rechecker, snapshot_of
from leadscout.pipeline import jobs
from leadscout.pipeline.stages import Pipeline
from leadscout.webhooks.events import monitor_event

RECHECK_CONCURRENCY = 32  # companies re-checked at once: each on its own site, so politeness is not at stake


async def deliver(pipeline: Pipeline, run_id: UUID) -> str:
    store = pipeline.store
    record = await store.monitor_run_of_run(run_id)
    run = await store.get_run(run_id)
    if record is None or run is None:
        return "skipped: not a monitor's run"
    if record.status == "delivered":
        return "skipped: already delivered"
    monitor = await store.get_monitor(record.monitor_id)
    if monitor is None:
        return "skipped: the monitor was deleted"
    checks = await recheck_known(pipeline, run, monitor, record)
    new = [await _new_company(store, c) for c in await store.run_companies(run.id, run.target_quantity)]
    known = sum(c.outcome not in ("still_gone", "back") for c in checks)
    fetches = (await store.usage_totals(run.id)).fetches
    delivered = Delivered(
        monitor_id=monitor.id,
        monitor_run_id=record.id,
        run_id=run.id,
        tick_at=record.tick_at,
        new=[n for n, _ in new],
        gone=[c.gone for c in checks if c.gone is not None],
        changed=[change for c in checks for change in c.changes],
        back=[c.back for c in checks if c.back is not None],
        failing=[c.failing for c in checks if c.failing is not None],
        known=known,
        gone_checked=len(checks) - known,
        fetches=fetches,
        recheck_fetches=sum(c.fetches for c in checks),
        requests_per_known=round(fetches / known, 2) if known else None,
    )
    async with store.transaction() as conn:
        locked = await store.lock_monitor_run(record.id, conn)
        if locked is None or locked.status == "delivered":
            return "skipped: already delivered"
        for entry, snapshot in new:
            await _keep(store, conn, monitor, WatchedCompany(domain=entry.domain, snapshot=snapshot), run.id)
        for check in checks:
            if check.health is not None:  # what the monitor now knows of it (nothing new: no write)
                await _keep(store, conn, monitor, check.health, run.id)
        await store.remember_candidates(conn, monitor.id, run.id)
        await store.deliver_monitor_run(conn, record.id, delivered.model_dump(mode="json"))
        await _announce(pipeline, conn, monitor, run, delivered)
    return f"delivered {len(delivered.new)} new, {len(delivered.gone)} gone, {len(delivered.changed)} changed"


async def recheck_known(pipeline: Pipeline, run: Run, monitor: Monitor, record: MonitorRun) -> list[Check]:
    """Every company the monitor delivered before this run and still watches, re-checked once."""
    store = pipeline.store
    done = {c.domain: c for c in await store.monitor_checks(record.id)}
    watched = [WatchedCompany.model_validate(r) for r in await store.monitor_companies(monitor.id)]
    due = [
        w for w in watched if w.first_run_id != run.id and (w.status == "active" or w.next_check_tick <= record.tick_no)
    ]
    checker = Rechecker(pipeline, run, monitor.criteria, record.tick_no)
    limit = asyncio.Semaphore(RECHECK_CONCURRENCY)

    async def one(company: WatchedCompany) -> Check:
        async with limit, pipeline.metered(run, "recheck") as meter:
            check = await checker.check(company)
        check = check.model_copy(update={"fetches": meter.usage.fetches})
        await store.insert_monitor_check(record.id, check)
        return check

    fresh = await asyncio.gather(*(one(c) for c in due if c.domain not in done))
    await pipeline.flush_pages()
    return sorted([*done.values(), *fresh], key=lambda c: c.domain)


async def _new_company(store: Store, company: Company) -> tuple[NewCompany, Snapshot]:
    research = await store.research_of_company(company.id)
    facts = CompanyFacts.model_validate(research["facts"]) if research else CompanyFacts()
    contacts = [KnownContact.of(c) for c in await store.contacts_of_company(company.id)]
    snapshot = snapshot_of(company, facts, contacts).model_copy(update={"emails_checked_at": company.created_at})
    entry = NewCompany(
        domain=company.domain, name=company.name, website=company.website, city=company.city, state=company.state,
        pms=snapshot.pms, units=snapshot.units, contacts=contacts, evidence=snapshot.verdicts,
    )  # fmt: skip
    return entry, snapshot


async def _keep(store: Store, conn: Conn, monitor: Monitor, company: WatchedCompany, run_id: UUID) -> None:
    await store.upsert_monitor_company(
        conn, monitor_id=monitor.id, domain=company.domain, name=company.snapshot.name, status=company.status,
        snapshot=company.snapshot.model_dump(mode="json"), run_id=run_id, failures=company.failures,
        failing_since=company.failing_since, gone_checks=company.gone_checks, next_check_tick=company.next_check_tick,
        gone_reason=company.gone_reason,
    )  # fmt: skip


async def _announce(pipeline: Pipeline, conn: Conn, monitor: Monitor, run: Run, delivered: Delivered) -> None:
    """The signed ``monitor.delivered`` webhook and the email, in the delivery's transaction."""
    store = pipeline.store
    if monitor.endpoint_id is not None:
        endpoint = await store.webhook_secrets(monitor.endpoint_id)
        url = str(endpoint["url"]) if endpoint else ""
        message = monitor_event(monitor.endpoint_id, url, run.id, delivered)
        if (message_id := await store.insert_outbox(message, conn)) is not None:
            await jobs.enqueue(store, conn, jobs.webhook_job(run, message_id))
    if monitor.notify:
        email = _email(monitor, run, delivered, can_send=bool(pipeline.delivery and pipeline.delivery.mailer))
        if (message_id := await store.insert_outbox(email, conn)) is not None and email.status == "pending":
            await jobs.enqueue(store, conn, jobs.notify_job(run, message_id))


def _email(monitor: Monitor, run: Run, delivered: Delivered, *, can_send: bool) -> NewOutboxMessage:
    lines = [f"Monitor {monitor.name} ({monitor.id}), run {run.id}:", ""]
    lines += [f"  new: {n.name} ({n.domain})" for n in delivered.new]
    lines += [f"  gone: {g.name} ({g.domain}): {g.reason}, {g.detail}" for g in delivered.gone]
    lines += [f"  changed: {c.name} ({c.domain}) {c.field}: {c.old} -> {c.new}" for c in delivered.changed]
    lines += [f"  back: {b.name} ({b.domain}): {b.detail}" for b in delivered.back]
    lines += [f"  failing: {f.name} ({f.domain}): {f.detail}" for f in delivered.failing]
    if len(lines) == 2:
        lines.append("  nothing changed")
    counts = f"{len(delivered.new)} new, {len(delivered.gone)} gone, {len(delivered.changed)} changed"
    counts += f", {len(delivered.back)} back" if delivered.back else ""
    return NewOutboxMessage(
        run_id=run.id,
        kind="monitor_delivered",
        dedupe_key=f"monitor_delivered:{delivered.monitor_run_id}",
        recipients=list(monitor.notify),
        subject=f"leadscout monitor {monitor.name}: {counts}"[:200],
        body="\n".join(lines),
        status="pending" if can_send else "held",
    )
