"""The procrastinate app: one task per unit of work, the retry policy, and the sweeper.

Liveness comes from ONE setting, ``Settings.dead_after``: the worker runtime passes it to
procrastinate as ``stalled_worker_timeout`` (:mod:`leadscout.workers.runner`), the sweeper
below uses it as ``seconds_since_heartbeat``, and the database uses it for
``pm_pipeline.v_dead_workers`` (session setting ``leadscout.dead_after_seconds``). So a worker
the registry calls dead is exactly a worker whose jobs the sweeper retries.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

import httpx
import procrastinate
import psycopg
from procrastinate import JobContext
from procrastinate.jobs import Job, Status

from leadscout.config import Settings
from leadscout.db import outage
from leadscout.db.connection import engine_pool
from leadscout.pipeline import delivery, jobs
from leadscout.pipeline.stages import Pipeline
from leadscout.workers.retry import TransientRetry

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Units:
    """Runs one unit of work with a deadline, and records final failures."""

    pipeline: Pipeline
    retry: TransientRetry
    settings: Settings
    webhook_retry: TransientRetry | None = None  # webhooks retry longer: over hours

    def retry_of(self, task_name: str) -> TransientRetry:
        return self.webhook_retry if task_name == jobs.WEBHOOK and self.webhook_retry else self.retry

    async def run(
        self, context: JobContext, work: Callable[[], Awaitable[str]], on_final: Callable[[str], Awaitable[None]]
    ) -> str:
        what = f"job {context.job.id} ({context.job.task_name})"
        try:
            # a job that hangs while its worker lives is never "stalled": give it a deadline; a
            # database outage costs no attempt: the unit (idempotent) runs again once it is back
            return await self.through_outages(lambda: asyncio.wait_for(work(), timeout=self.settings.job_timeout), what)
        except Exception as exc:
            attempts = context.job.attempts
            if self.retry_of(context.job.task_name or "").is_final(exc, attempts):
                log.error(
                    "job failed for good after %s attempts: %r",
                    attempts + 1,
                    exc,
                    extra={"action": "job_failed", "job_id": context.job.id},
                )
                reason = f"{type(exc).__name__}: {exc}"
                await self.through_outages(lambda: on_final(reason), f"settling {what}")
            raise

    async def through_outages(self, call: Callable[[], Awaitable[T]], what: str) -> T:
        grace = self.settings.db_outage_grace
        return await outage.through_outages(call, self.pipeline.store.ping, grace=grace, what=what)

    async def monitor_failed(self, run_id: UUID, error: str) -> None:
        """A monitor run that could not be delivered stays undelivered; the run says why."""
        await self.pipeline.store.insert_event(run_id, "monitor_delivery_failed", {"error": error[:500]})

    async def on_exhausted(self, job: Job) -> None:
        """A stalled job that has no attempts left: settle its unit like a final failure."""
        args = job.task_kwargs
        run_id = UUID(str(args["run_id"]))
        reason = "worker died on every attempt"
        if job.task_name == jobs.DISCOVER:
            await self.pipeline.fail_run(run_id, reason)
        elif job.task_name == jobs.RESEARCH:
            await self.pipeline.mark_research_failed(run_id, UUID(str(args["company_id"])), reason)
        elif job.task_name == jobs.CONTACTS:
            await self.pipeline.mark_contacts_failed(run_id, UUID(str(args["company_id"])), reason)
        elif job.task_name == jobs.COMPLETE:
            await self.pipeline.fail_run(run_id, reason)
        elif job.task_name == jobs.MONITOR_DELIVER:
            await self.monitor_failed(run_id, reason)
        elif job.task_name in (jobs.NOTIFY, jobs.WEBHOOK):
            await self.pipeline.store.settle_outbox(UUID(str(args["message_id"])), "failed", reason)


def build_app(settings: Settings, dsn: str, pipeline: Pipeline) -> procrastinate.App:
    connector = procrastinate.PsycopgConnector(conninfo=dsn, timeout=settings.db_wait, pool_factory=engine_pool)
    app = procrastinate.App(connector=connector)
    retry = TransientRetry(base_seconds=settings.retry_base_seconds, max_retries=settings.job_attempts - 1)
    webhook_retry = TransientRetry(
        base_seconds=settings.webhook_retry_base,
        max_retries=settings.webhook_attempts - 1,
        cap_seconds=settings.webhook_retry_cap,
    )
    units = Units(pipeline, retry, settings, webhook_retry)

    @app.task(name=jobs.DISCOVER, queue=jobs.QUEUE_OF[jobs.DISCOVER], retry=retry, pass_context=True)
    async def discover_batch(context: JobContext, run_id: str) -> str:
        rid = UUID(run_id)
        return await units.run(context, lambda: pipeline.discover_batch(rid), lambda err: pipeline.fail_run(rid, err))

    @app.task(name=jobs.RESEARCH, queue=jobs.QUEUE_OF[jobs.RESEARCH], retry=retry, pass_context=True)
    async def research_company(context: JobContext, run_id: str, company_id: str) -> str:
        rid, cid = UUID(run_id), UUID(company_id)
        return await units.run(
            context,
            lambda: pipeline.research_company(rid, cid),
            lambda err: pipeline.mark_research_failed(rid, cid, err),
        )

    @app.task(name=jobs.CONTACTS, queue=jobs.QUEUE_OF[jobs.CONTACTS], retry=retry, pass_context=True)
    async def find_contacts(context: JobContext, run_id: str, company_id: str) -> str:
        rid, cid = UUID(run_id), UUID(company_id)
        return await units.run(
            context, lambda: pipeline.find_contacts(rid, cid), lambda err: pipeline.mark_contacts_failed(rid, cid, err)
        )

    @app.task(name=jobs.COMPLETE, queue=jobs.QUEUE_OF[jobs.COMPLETE], retry=retry, pass_context=True)
    async def complete_run(context: JobContext, run_id: str) -> str:
        rid = UUID(run_id)
        return await units.run(context, lambda: pipeline.complete_run(rid), lambda err: pipeline.fail_run(rid, err))

    @app.task(name=jobs.NOTIFY, queue=jobs.QUEUE_OF[jobs.NOTIFY], retry=retry, pass_context=True)
    async def send_notification(context: JobContext, run_id: str, message_id: str) -> str:
        mid = UUID(message_id)
        mailer = pipeline.delivery.mailer if pipeline.delivery else None
        return await units.run(
            context,
            lambda: delivery.send_notification(pipeline.store, mailer, mid),
            lambda err: pipeline.store.settle_outbox(mid, "failed", err[:500]),
        )

    @app.task(name=jobs.WEBHOOK, queue=jobs.QUEUE_OF[jobs.WEBHOOK], retry=webhook_retry, pass_context=True)
    async def send_webhook(context: JobContext, run_id: str, message_id: str) -> str:
        from leadscout.webhooks.send import send_webhook as deliver
        from leadscout.webhooks.targets import allowed_hosts

        mid = UUID(message_id)
        allow = allowed_hosts(settings.webhook_allow_hosts)

        async def attempt() -> str:
            async with httpx.AsyncClient(follow_redirects=False) as client:
                return await deliver(pipeline.store, client, mid, allow=allow, timeout=settings.webhook_timeout)

        return await units.run(context, attempt, lambda err: pipeline.store.settle_outbox(mid, "failed", err[:500]))

    @app.task(name=jobs.MONITOR_DELIVER, queue=jobs.QUEUE_OF[jobs.MONITOR_DELIVER], retry=retry, pass_context=True)
    async def deliver_monitor_run(context: JobContext, run_id: str) -> str:
        from leadscout.monitors.deliver import deliver

        rid = UUID(run_id)
        return await units.run(context, lambda: deliver(pipeline, rid), lambda err: units.monitor_failed(rid, err))

    # one scheduler pass per interval across all workers (the periodic job is deferred once per
    # instant); the pass itself claims each due tick in SQL, so even two passes start one run a tick
    @app.periodic(cron=f"* * * * * */{settings.monitor_poll}", periodic_id="monitors")
    @app.task(name=jobs.MONITOR_SCHEDULE, queue=jobs.MAINTENANCE_QUEUE, queueing_lock="monitors")
    async def start_due_monitors(timestamp: int) -> str:
        from leadscout.monitors.service import start_due

        started = await start_due(pipeline.store, batch_size=settings.batch_size)
        return f"started {len(started)} monitor run(s)"

    # the optional 6th cron field is *seconds*, and it goes last. No `lock`: a sweep that died with
    # its worker would hold it for ever and no sweep could run again; concurrent sweeps are safe
    # (retrying a job another sweep already retried is refused and skipped).
    @app.periodic(cron=f"* * * * * */{settings.sweep_interval}", periodic_id="sweep")
    @app.task(name=jobs.SWEEP, queue=jobs.MAINTENANCE_QUEUE, queueing_lock="sweep")
    async def sweep(timestamp: int) -> str:
        return await sweep_once(app, units, settings)

    return app


async def sweep_once(app: procrastinate.App, units: Units, settings: Settings) -> str:
    """Retry the jobs of dead workers (procrastinate does not do it by itself), settle the
    ones out of attempts, and requeue active runs that somehow have no job."""
    manager = app.job_manager
    outcomes: Counter[str] = Counter()
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=settings.dead_after):
        try:
            outcome = await _recover(manager, units, job)
        except (psycopg.errors.RaiseException, procrastinate.exceptions.ConnectorException) as exc:
            log.info("stalled job %s changed while this sweep looked at it: %s", job.id, exc)  # another sweep won
            continue
        outcomes[outcome] += 1
        run_id = job.task_kwargs.get("run_id")
        if run_id and outcome == "retried":
            await units.pipeline.store.insert_event(
                UUID(str(run_id)),
                "job_recovered",
                {"task": job.task_name, "job_id": job.id, "attempts": job.attempts, "engine_worker": job.worker_id},
            )
    retried, settled = outcomes["retried"], outcomes["settled"]
    unpinned = await units.pipeline.store.unpin_orphaned_runs()
    requeued = 0
    for run in await units.pipeline.store.active_runs_without_jobs(grace_seconds=settings.dead_after):
        requeued += await units.pipeline.requeue(run.id)
    return f"retried={retried} settled={settled} unpinned={unpinned} requeued={requeued}"


async def _recover(manager: Any, units: Units, job: Job) -> str:
    """Retry one job of a dead worker, or settle it when it has no attempts left."""
    if job.task_name in (jobs.SWEEP, jobs.MONITOR_SCHEDULE):
        await manager.finish_job(job, status=Status.FAILED, delete_job=False)
        return "dropped"
    # these retries ignore the task's retry strategy, so the budget is enforced here
    if job.attempts >= units.retry_of(job.task_name).max_retries:
        await manager.finish_job(job, status=Status.FAILED, delete_job=False)
        await units.on_exhausted(job)
        return "settled"
    try:
        await manager.retry_job(job)
    except (psycopg.errors.UniqueViolation, procrastinate.exceptions.UniqueViolation):
        # an identical job is already queued (queueing lock): this one is redundant
        await manager.finish_job(job, status=Status.ABORTED, delete_job=False)
        return "redundant"
    return "retried"
