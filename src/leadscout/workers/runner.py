"""A worker process: procrastinate's worker plus leadscout's heartbeat registry.

Stops gracefully on SIGTERM/SIGINT, on ``leadscout workers stop ID``, after
``WORKER_MAX_LOOPS`` jobs, or when an optional ``until`` condition turns true; in every
case its registry row ends as ``stopped``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

import httpx
from procrastinate import JobContext
from procrastinate.worker import Worker

from leadscout import geo
from leadscout.config import Settings
from leadscout.db import outage
from leadscout.db.connection import data_dir, open_pool
from leadscout.db.store import Store
from leadscout.errors import ConfigError, TransientError, UserError
from leadscout.models import Run, Status
from leadscout.models.monitors import MonitorPolicy
from leadscout.pipeline import jobs
from leadscout.pipeline.delivery import Delivery, Mailer
from leadscout.pipeline.sources import CompanySource
from leadscout.pipeline.stages import Pipeline
from leadscout.pipeline.web_source import WebTools
from leadscout.research.judge.mailcheck import EmailVerifier, MailChecker
from leadscout.research.web import render
from leadscout.research.web.cache import PgPageCache
from leadscout.research.web.fetch import Fetcher, FetchPolicy
from leadscout.research.web.http import make_client
from leadscout.research.web.render import Renderer
from leadscout.research.web.search import provider_from_settings
from leadscout.research.web.search_share import PgSearchShare
from leadscout.usage import Budget
from leadscout.workers.app import build_app
from leadscout.workers.engine import ResilientWorker
from leadscout.workers.heartbeat import CurrentWork, Heartbeat, upsert_worker_heartbeat

if TYPE_CHECKING:
    from leadscout.agents.llm import Llm

log = logging.getLogger(__name__)
ABORT_POLL_SECONDS = 300.0


def new_worker_id(worker_type: str) -> str:
    env = os.environ.get(f"{worker_type.upper()}_WORKER_ID")
    return env or f"{worker_type}-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@dataclass
class WorkerConfig:
    worker_type: str = "all"
    concurrency: int = 4
    worker_id: str | None = None
    install_signal_handlers: bool = True
    until: Callable[[], Awaitable[bool]] | None = None  # stop when this returns True
    outage_limit: float | None = None  # give up when the database stays away this long (None: wait)
    make_source: Callable[[Store], CompanySource] | None = None  # default: the directory


def _describe(context: JobContext) -> tuple[UUID | None, str]:
    args = context.job.task_kwargs
    run_id = UUID(str(args["run_id"])) if "run_id" in args else None
    label = {
        jobs.DISCOVER: "Lead discovery batch",
        jobs.RESEARCH: "Researching company",
        jobs.CONTACTS: "Finding contacts",
        jobs.COMPLETE: "Completing run",
        jobs.NOTIFY: "Sending notification",
        jobs.WEBHOOK: "Sending webhook",
    }.get(context.job.task_name, context.job.task_name)
    target = args.get("company_id", "")
    return run_id, f"{label} {target}".strip() + (f" (run {run_id})" if run_id else "")


async def run_worker(settings: Settings, dsn: str, config: WorkerConfig) -> str:
    if config.worker_type not in jobs.WORKER_TYPES:
        raise UserError(f"unknown worker type {config.worker_type!r}; use one of: " + ", ".join(jobs.WORKER_TYPES))
    worker_id = config.worker_id or new_worker_id(config.worker_type)
    await asyncio.to_thread(geo.warm)
    pool = open_pool(dsn, settings, max_size=config.concurrency + 3)
    await pool.open(wait=True, timeout=30)
    store = Store(pool)
    source = config.make_source(store) if config.make_source else None
    client = make_client(timeout=settings.fetch_timeout, proxy=settings.http_proxy)
    web = web_tools(settings, store, client)
    pipeline = Pipeline(
        store,
        worker_id=worker_id,
        source=source,
        simulated_latency=settings.simulated_latency,
        web=web,
        checker=mail_checker(settings) if web is not None else None,
        delivery=delivery(settings),
        llm=language_model(settings),
        default_budget=Budget.from_settings(settings),
        monitor_policy=MonitorPolicy(
            recheck_every=settings.monitor_recheck_every,
            unreachable_after=settings.monitor_unreachable_after,
            email_days=settings.monitor_email_days,
        ),
    )
    app = build_app(settings, dsn, pipeline)
    work = CurrentWork()
    filter_run = await _pin_filtered_run(store, settings, worker_id, config.worker_type)
    lane = filter_run.lane if filter_run else None
    can_mail = pipeline.delivery is not None and pipeline.delivery.mailer is not None
    queues = [*jobs.lane_queues(config.worker_type, lane, can_mail=can_mail), jobs.MAINTENANCE_QUEUE]
    until = config.until
    if filter_run is not None:
        until = _settled_or(store, filter_run.id, config.until, queues)
    try:
        async with app.open_async():
            worker: Worker | None = None
            stopping = asyncio.Event()

            async def track(call_next: Callable[[], Awaitable[Any]], context: JobContext, _w: Worker) -> Any:
                job_id = context.job.id or 0
                if context.job.task_name != jobs.SWEEP:
                    work.jobs[job_id] = _describe(context)
                    await heartbeat.beat()
                try:
                    return await call_next()
                finally:
                    if work.jobs.pop(job_id, None) is not None:
                        work.finished += 1
                        if settings.worker_max_loops and work.finished >= settings.worker_max_loops:
                            stop()

            def stop() -> None:
                stopping.set()
                if worker is not None:
                    worker.stop()  # type: ignore[no-untyped-call]

            heartbeat = Heartbeat(
                store,
                worker_id,
                config.worker_type,
                settings.heartbeat_interval,
                work,
                on_stop_request=stop,
                metadata={"queues": queues, "concurrency": config.concurrency, "run_filter_id": settings.run_filter_id},
            )
            side = [asyncio.create_task(heartbeat.run())]
            if until is not None:
                side.append(asyncio.create_task(_stop_when(until, stop)))
            signals = _on_signals(stop) if config.install_signal_handlers else []
            try:
                while not stopping.is_set():
                    worker = ResilientWorker(
                        app,
                        dsn=dsn,
                        ping=store.ping,
                        outage_grace=settings.db_outage_grace,
                        stall_limit=settings.loop_stall_limit,
                        queues=queues,
                        name=worker_id,
                        concurrency=config.concurrency,
                        fetch_job_polling_interval=settings.job_poll_interval,
                        # no job is ever aborted, and an abort request comes by NOTIFY anyway: the
                        # engine's 5 s poll for one was a transaction every 5 s per busy worker
                        abort_job_polling_interval=ABORT_POLL_SECONDS,
                        install_signal_handlers=False,  # ours (above) also stop the restart loop
                        worker_middleware=[track],
                        update_heartbeat_interval=settings.heartbeat_interval,
                        stalled_worker_timeout=settings.dead_after,
                        shutdown_graceful_timeout=settings.job_timeout,
                    )
                    try:
                        await worker.run()  # type: ignore[no-untyped-call]
                    except Exception as exc:  # a database call of the engine itself failed
                        log.warning("job engine of %s stopped: %s", worker_id, outage.describe(exc), exc_info=exc)
                    if not stopping.is_set():
                        # the engine stops itself when it loses the database (its listener or a
                        # query fails) or asked for a restart: wait for the database, then start a
                        # new one; the sweeper retries what the old one left behind
                        log.warning("worker %s restarts its job engine", worker_id)
                        await _until_database(store, stopping, config.outage_limit)
            finally:
                for sig in signals:
                    asyncio.get_running_loop().remove_signal_handler(sig)
                for task in side:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
                with contextlib.suppress(Exception):
                    if filter_run is not None:
                        await store.unpin_run(filter_run.id, worker_id)
                    await store.stop_worker(worker_id)
    finally:
        await client.aclose()
        if web is not None and web.fetcher.renderer is not None:
            await web.fetcher.renderer.close()
        await pool.close()
    return worker_id


async def run_worker_supervised(
    settings: Settings, dsn: str, config: WorkerConfig, *, give_up_after: float | None = None
) -> str | None:
    """``run_worker`` for in-process workers (``leadscout run``, ``serve``, ``mcp``): when it cannot
    start or stops on a database outage it starts again, until it ends normally, or until the
    outage has lasted ``give_up_after`` seconds (None: never give up). A user's mistake (bad
    settings) is not retried."""
    started = time.monotonic()
    delay = 0.5
    while True:
        try:
            return await run_worker(settings, dsn, config)
        except (UserError, ConfigError):
            raise
        except Exception as exc:
            if give_up_after is not None and time.monotonic() - started > give_up_after:
                raise
            log.warning("in-process worker stopped (%s); starting it again", outage.describe(exc), exc_info=exc)
        await asyncio.sleep(delay)
        delay = min(delay * 2, 10.0)


def web_tools(settings: Settings, store: Store, client: httpx.AsyncClient) -> WebTools | None:
    """Search + fetch for this worker, from its settings; None when no provider is set."""
    # runs side by side on other workers pay once per query (unless caching is off)
    shared = PgSearchShare(store) if settings.fetch_cache != "off" else None
    try:
        provider = provider_from_settings(settings, client, shared)
    except ConfigError:
        return None
    max_age = None if settings.fetch_cache in ("replay", "revalidate") else settings.fetch_cache_max_age
    cache = (
        None
        if settings.fetch_cache == "off"
        else PgPageCache(store, read=settings.fetch_cache != "record", max_age=max_age)
    )
    policy = FetchPolicy(
        timeout=settings.fetch_timeout,
        politeness_delay=settings.politeness_delay,
        revalidate=settings.fetch_cache == "revalidate",
        proxy=settings.http_proxy,
    )
    fetcher = Fetcher(
        client, policy, cache=cache, replay_only=settings.fetch_cache == "replay", renderer=renderer(settings)
    )
    return WebTools(provider, fetcher)


def renderer(settings: Settings) -> Renderer | None:
    """Headless Chromium for script apps, when the render extra is installed and not turned off."""
    if settings.render == "off" or not render.available():
        return None
    return Renderer(
        budget=settings.render_pages,
        seconds=settings.render_seconds,
        proxy=settings.http_proxy,
        executable=render.chromium_path(settings.chromium),
    )


def language_model(settings: Settings) -> Llm | None:
    """The configured LLM, or None (pydantic-ai is imported only when one is configured)."""
    if not settings.llm and not settings.llm_base_url:
        return None
    from leadscout.agents.llm import build_llm

    return build_llm(settings)


def mail_checker(settings: Settings) -> EmailVerifier | None:
    """The configured email verifier: SMTP from here (the default), or a Reacher server."""
    if not settings.email_verification:
        return None
    proxy = settings.smtp_proxy.get_secret_value() if settings.smtp_proxy else None
    if settings.email_verifier == "reacher":
        from leadscout.research.judge.reacher import ReacherVerifier

        if not settings.reacher_url:
            raise ConfigError("LEADSCOUT_EMAIL_VERIFIER=reacher needs REACHER_URL (the Reacher server's address)")
        token = settings.reacher_token.get_secret_value() if settings.reacher_token else None
        return ReacherVerifier(
            settings.reacher_url, token, helo=settings.smtp_helo, mail_from=settings.smtp_mail_from, proxy=proxy
        )
    return MailChecker(
        settings.dns_server,
        settings.smtp_probe_port,
        timeout=settings.fetch_timeout,
        helo=settings.smtp_helo,
        mail_from=settings.smtp_mail_from,
        proxy=proxy,
        greylist_delay=settings.greylist_delay,
    )


def mailer(settings: Settings) -> Mailer | None:
    if not settings.smtp_host:
        return None
    return Mailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        user=settings.smtp_user,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        sender=settings.smtp_from,
        starttls=settings.smtp_starttls,
    )


def delivery(settings: Settings) -> Delivery:
    recipients = [a.strip() for a in (settings.notify_to or "").split(",") if a.strip()]
    exports = settings.exports_dir or data_dir(settings) / "exports"
    return Delivery(exports_dir=exports, recipients=recipients, mailer=mailer(settings))


async def _pin_filtered_run(store: Store, settings: Settings, worker_id: str, worker_type: str) -> Run | None:
    """RUN_FILTER_ID: this worker takes only that run's jobs, and the run's jobs go only to
    workers started for it until they stop (then the run returns to the shared queues)."""
    if not settings.run_filter_id:
        return None
    try:
        run_id = UUID(settings.run_filter_id)
    except ValueError:
        raise UserError(f"RUN_FILTER_ID={settings.run_filter_id!r} is not a run id (a UUID)") from None
    # register first, so the sweeper sees a live owner and does not unpin at once
    await upsert_worker_heartbeat(store, worker_id, worker_type, status="idle", metadata={"run_filter_id": str(run_id)})
    if await store.pin_run(run_id, worker_id) is None:
        raise UserError(f"RUN_FILTER_ID={run_id}: no such run; `leadscout runs` lists them")
    return await store.get_run(run_id)


def _settled_or(
    store: Store, run_id: UUID, other: Callable[[], Awaitable[bool]] | None, queues: list[str]
) -> Callable[[], Awaitable[bool]]:
    """A targeted worker exits once its run needs no more work (rv_agentic's stale-worker
    lesson): the run has ended and nothing of it is queued (its completion notice goes out
    first), or when the caller's own condition says so."""

    async def settled() -> bool:
        return await needs_no_more_work(store, run_id, queues) or bool(other and await other())

    return settled


async def needs_no_more_work(store: Store, run_id: UUID, queues: list[str]) -> bool:
    """The run has ended or waits for its user, and nothing of it is queued on ``queues`` (a run
    that asks its user still researches what it found)."""
    run = await store.get_run(run_id)
    return run is None or (run.status != Status.ACTIVE and not await store.jobs_left_of_run(run_id, queues))


async def _stop_when(condition: Callable[[], Awaitable[bool]], stop: Callable[[], None]) -> None:
    failures = outage.FailureStreak(log, "checking whether to stop")
    while True:
        try:
            if await condition():
                stop()
                return
            failures.succeeded()
        except Exception as exc:  # a restarting database must not kill the watcher
            failures.failed(exc)
        await asyncio.sleep(0.25)


def _on_signals(stop: Callable[[], None]) -> list[int]:
    """SIGTERM and SIGINT stop the worker gracefully (after the jobs in hand)."""
    loop = asyncio.get_running_loop()
    handled: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on this platform or thread
            loop.add_signal_handler(sig, stop)
            handled.append(sig)
    return handled


async def _until_database(store: Store, stopping: asyncio.Event, limit: float | None) -> None:
    back = await outage.wait_until_up(store.ping, timeout=limit or float("inf"), stopping=stopping.is_set)
    if not back and not stopping.is_set():
        raise TransientError(
            f"the database has been unreachable for {limit:.0f}s: the run is saved; once PostgreSQL is back "
            "(`leadscout db status`), `leadscout worker` resumes it"
        )
