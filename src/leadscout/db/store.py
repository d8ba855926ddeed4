"""The Store: one method per named query. The only place that talks to PostgreSQL.

Methods take an optional ``conn`` so that callers can group several of them in one
transaction (``async with store.transaction() as conn``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from psycopg import AsyncConnection, Connection
from psycopg.errors import UniqueViolation
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool
from pydantic import BaseModel

from leadscout import models as m
from leadscout.criteria import Criteria
from leadscout.db.monitor_store import MonitorQueries
from leadscout.db.queries import QUERIES
from leadscout.usage import Usage

T = TypeVar("T", bound=BaseModel)
Conn = AsyncConnection[Any]


def _params(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, BaseModel):
            value = value.model_dump(mode="json")
        if isinstance(value, dict) or (isinstance(value, list) and key in _JSON_LISTS):
            value = Jsonb(value)
        out[key] = value
    return out


_JSON_LISTS = frozenset({"evidence", "verdicts", "reasons", "attachments"})


def beat_job_engine_worker(conn: Connection[Any], worker_id: int) -> bool:
    """The job engine's heartbeat from a thread's own (blocking) connection; False when the
    worker's row is gone (pruned as dead)."""
    return conn.execute(QUERIES["beat_job_engine_worker"], {"worker_id": worker_id}).fetchone() is not None


class Store(MonitorQueries):
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self.pool = pool

    # -- plumbing ---------------------------------------------------------------
    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Conn]:
        async with self.pool.connection() as conn, conn.transaction():
            yield conn

    @asynccontextmanager
    async def _conn(self, conn: Conn | None) -> AsyncIterator[Conn]:
        if conn is not None:
            yield conn
        else:
            async with self.pool.connection() as fresh:
                yield fresh

    async def _rows(self, name: str, conn: Conn | None = None, /, **params: Any) -> list[dict[str, Any]]:
        async with self._conn(conn) as c, c.cursor(row_factory=dict_row) as cur:
            await cur.execute(QUERIES[name], _params(params))
            return await cur.fetchall() if cur.description else []

    async def _one(self, name: str, conn: Conn | None = None, /, **params: Any) -> dict[str, Any] | None:
        rows = await self._rows(name, conn, **params)
        return rows[0] if rows else None

    async def _models(self, model: type[T], name: str, conn: Conn | None = None, /, **params: Any) -> list[T]:
        return [model.model_validate(row) for row in await self._rows(name, conn, **params)]

    async def _model(self, model: type[T], name: str, conn: Conn | None = None, /, **params: Any) -> T | None:
        row = await self._one(name, conn, **params)
        return model.model_validate(row) if row else None

    async def ping(self) -> bool:
        return await self._one("ping") is not None

    # -- runs -------------------------------------------------------------------
    async def insert_run(self, conn: Conn | None = None, **values: Any) -> m.Run:
        run = await self._model(m.Run, "insert_run", conn, **values)
        assert run is not None
        return run

    async def get_run(self, run_id: UUID, conn: Conn | None = None) -> m.Run | None:
        return await self._model(m.Run, "get_run", conn, run_id=run_id)

    async def lock_run(self, run_id: UUID, conn: Conn) -> m.Run | None:
        return await self._model(m.Run, "lock_run", conn, run_id=run_id)

    async def list_runs(self, *, status: str | None = None, limit: int = 50, offset: int = 0) -> list[m.RunListing]:
        return await self._models(m.RunListing, "list_runs", status=status, limit=limit, offset=offset)

    async def delete_run(self, run_id: UUID) -> None:
        await self._rows("delete_run", run_id=run_id)

    async def transition_run(self, conn: Conn | None = None, **values: Any) -> bool:
        row = await self._one("transition_run", conn, **values)
        return bool(row and row["moved"])

    async def insert_event_once(
        self, run_id: UUID, event: str, payload: dict[str, Any], conn: Conn | None = None
    ) -> bool:
        """An event the run tells once (a notice to the user); False when it was told already."""
        return await self._one("insert_event_once", conn, run_id=run_id, event=event, payload=payload) is not None

    async def insert_event(
        self,
        run_id: UUID | None,
        event: str,
        payload: dict[str, Any] | None = None,
        *,
        entity_type: str = "run",
        entity_id: str | None = None,
        conn: Conn | None = None,
    ) -> int:
        row = await self._one(
            "insert_event",
            conn,
            run_id=run_id,
            event=event,
            entity_type=entity_type,
            entity_id=entity_id,
            payload=payload or {},
        )
        assert row is not None
        return int(row["id"])

    async def events_since(
        self, run_id: UUID, after_id: int = 0, limit: int = 500, conn: Conn | None = None
    ) -> list[m.RunEvent]:
        return await self._models(m.RunEvent, "events_since", conn, run_id=run_id, after_id=after_id, limit=limit)

    async def completion_payload(self, run_id: UUID) -> dict[str, Any] | None:
        row = await self._one("completion_payload", run_id=run_id)
        return dict(row["payload"]) if row else None

    async def company_gap(self, run_id: UUID, conn: Conn | None = None) -> m.Gap | None:
        return await self._model(m.Gap, "company_gap", conn, run_id=run_id)

    # -- batches (checkpoints) ----------------------------------------------------
    async def list_batches(self, run_id: UUID) -> list[m.Batch]:
        return await self._models(m.Batch, "list_batches", run_id=run_id)

    async def next_batch_no(self, run_id: UUID) -> int:
        row = await self._one("next_batch_no", run_id=run_id)
        return int(row["batch_no"]) if row else 1

    async def start_batch(self, run_id: UUID, batch_no: int, requested: int, worker_id: str) -> m.Batch | None:
        return await self._model(
            m.Batch, "start_batch", run_id=run_id, batch_no=batch_no, requested=requested, worker_id=worker_id
        )

    async def finish_batch(self, run_id: UUID, batch_no: int, found: int, conn: Conn) -> m.Batch | None:
        return await self._model(m.Batch, "finish_batch", conn, run_id=run_id, batch_no=batch_no, found=found)

    async def holds_batch(self, run_id: UUID, batch_no: int, worker_id: str | None, attempts: int, conn: Conn) -> bool:
        row = await self._one(
            "holds_batch", conn, run_id=run_id, batch_no=batch_no, worker_id=worker_id, attempts=attempts
        )
        return row is not None

    async def batch_found(self, run_id: UUID, batch_no: int, conn: Conn) -> int:
        row = await self._one("batch_found", conn, run_id=run_id, batch_no=batch_no)
        return int(row["found"]) if row else 0

    # -- companies ----------------------------------------------------------------
    async def insert_company(
        self, run_id: UUID, batch_no: int | None, company: m.NewCompany, conn: Conn
    ) -> UUID | None:
        row = await self._one(
            "insert_company", conn, run_id=run_id, batch_no=batch_no, **company.model_dump(mode="json")
        )
        return row["id"] if row else None

    async def run_companies(self, run_id: UUID, limit: int = 100_000, conn: Conn | None = None) -> list[m.Company]:
        return await self._models(m.Company, "run_companies", conn, run_id=run_id, limit=limit)

    async def get_company(self, company_id: UUID, conn: Conn | None = None) -> m.Company | None:
        return await self._model(m.Company, "get_company", conn, company_id=company_id)

    async def count_companies_by_run(self) -> dict[UUID, int]:
        return {row["run_id"]: int(row["companies"]) for row in await self._rows("count_companies_by_run")}

    async def upsert_research(
        self, run_id: UUID, company_id: UUID, facts: dict[str, Any], signals: dict[str, Any], status: str, conn: Conn
    ) -> None:
        await self._rows(
            "upsert_research", conn, run_id=run_id, company_id=company_id, facts=facts, signals=signals, status=status
        )

    async def get_research(self, run_id: UUID) -> dict[UUID, dict[str, Any]]:
        return {row["company_id"]: row for row in await self._rows("get_research", run_id=run_id)}

    async def settle_company_research(
        self,
        company_id: UUID,
        research_status: str,
        fit_score: float | None,
        drop_reason: str | None,
        conn: Conn,
        *,
        pms: str | None = None,
        units_estimate: int | None = None,
    ) -> None:
        await self._rows(
            "settle_company_research",
            conn,
            company_id=company_id,
            research_status=research_status,
            fit_score=fit_score,
            drop_reason=drop_reason,
            pms=pms,
            units_estimate=units_estimate,
        )

    async def drop_short_companies(self, run_id: UUID, reason: str, conn: Conn) -> list[dict[str, Any]]:
        return await self._rows("drop_short_companies", conn, run_id=run_id, reason=reason)

    async def replace_company(self, company_id: UUID, reason: str, conn: Conn) -> bool:
        return bool(await self._rows("replace_company", conn, company_id=company_id, reason=reason))

    async def restore_replaced_companies(self, run_id: UUID, conn: Conn) -> list[dict[str, Any]]:
        return await self._rows("restore_replaced_companies", conn, run_id=run_id)

    async def replaced_companies(self, run_id: UUID, conn: Conn | None = None) -> list[dict[str, Any]]:
        return await self._rows("replaced_companies", conn, run_id=run_id)

    async def dropped_companies(self, run_id: UUID) -> list[dict[str, Any]]:
        return await self._rows("dropped_companies", run_id=run_id)

    async def update_run_request(self, run_id: UUID, criteria: Criteria, options: dict[str, Any], conn: Conn) -> None:
        await self._rows("update_run_request", conn, run_id=run_id, criteria=criteria, options=options)

    async def reopen_rejected_candidates(self, run_id: UUID, criterion: str, conn: Conn) -> None:
        await self._rows("reopen_rejected_candidates", conn, run_id=run_id, criterion=criterion)

    async def set_research_status(self, company_id: UUID, status: str, conn: Conn | None = None) -> None:
        await self._rows("set_research_status", conn, company_id=company_id, status=status)

    async def set_contacts_status(self, company_id: UUID, status: str, conn: Conn | None = None) -> None:
        await self._rows("set_contacts_status", conn, company_id=company_id, status=status)

    async def stage_progress(self, run_id: UUID, conn: Conn | None = None, *, limit: int = 100_000) -> m.StageProgress:
        progress = await self._model(m.StageProgress, "stage_progress", conn, run_id=run_id, limit=limit)
        assert progress is not None
        return progress

    # -- contacts -----------------------------------------------------------------
    async def insert_contact(self, run_id: UUID, company_id: UUID, contact: m.NewContact, conn: Conn) -> UUID | None:
        row = await self._one(
            "insert_contact", conn, run_id=run_id, company_id=company_id, **contact.model_dump(mode="json")
        )
        return row["id"] if row else None

    async def count_contacts(self, company_id: UUID, conn: Conn | None = None) -> int:
        row = await self._one("count_contacts", conn, company_id=company_id)
        return int(row["n"]) if row else 0

    async def run_contacts(self, run_id: UUID) -> list[m.Contact]:
        return await self._models(m.Contact, "run_contacts", run_id=run_id)

    # -- research directory --------------------------------------------------------
    async def upsert_directory_company(self, company: m.DirectoryCompany, conn: Conn) -> bool:
        row = await self._one("upsert_directory_company", conn, **company.model_dump())
        return bool(row and row["inserted"])

    async def upsert_directory_contact(self, contact: m.DirectoryContact, conn: Conn) -> bool:
        row = await self._one("upsert_directory_contact", conn, **contact.model_dump())
        return bool(row and row["inserted"])

    async def directory_candidates(
        self,
        run_id: UUID,
        *,
        state: str | None,
        cities: list[str] | None,
        pms: list[str] | None,
        units_min: int | None,
        units_max: int | None,
        exclude: list[str],
        limit: int,
    ) -> list[m.DirectoryCompany]:
        return await self._models(
            m.DirectoryCompany,
            "directory_candidates",
            run_id=run_id,
            state=state,
            cities=cities,
            pms=pms,
            units_min=units_min,
            units_max=units_max,
            exclude=exclude,
            limit=limit,
        )

    async def directory_contacts(self, domain: str) -> list[m.DirectoryContact]:
        return await self._models(m.DirectoryContact, "directory_contacts", domain=domain)

    async def count_directory(self) -> int:
        row = await self._one("count_directory")
        return int(row["n"]) if row else 0

    # -- suppression ----------------------------------------------------------------
    async def add_blocked_domain(self, domain: str, reason: str, source: str) -> bool:
        row = await self._one("add_blocked_domain", domain=domain, reason=reason, source=source)
        return bool(row and row["inserted"])

    async def remove_blocked_domain(self, domain: str) -> bool:
        return await self._one("remove_blocked_domain", domain=domain) is not None

    async def list_blocked_domains(self, limit: int = 1000, offset: int = 0) -> list[dict[str, Any]]:
        return await self._rows("list_blocked_domains", limit=limit, offset=offset)

    async def count_blocked_domains(self) -> int:
        row = await self._one("count_blocked_domains")
        return int(row["n"]) if row else 0

    # -- jobs (procrastinate tables) -------------------------------------------------
    async def defer_job(
        self,
        conn: Conn,
        *,
        queue: str,
        task_name: str,
        lock: str | None,
        queueing_lock: str | None,
        args: dict[str, Any],
        priority: int = 0,
        unless_live: bool = False,
    ) -> int | None:
        """Enqueue in the caller's transaction; None when an identical job is already queued (or,
        ``unless_live``, when a job holding the same lock is queued or running)."""
        try:
            async with conn.transaction():  # savepoint: a queueing-lock clash must not abort the caller
                row = await self._one(
                    "defer_job",
                    conn,
                    queue=queue,
                    task_name=task_name,
                    priority=priority,
                    lock=lock,
                    queueing_lock=queueing_lock,
                    args=args,
                    unless_live=unless_live,
                )
        except UniqueViolation:
            return None
        return int(row["id"]) if row else None

    async def live_jobs_for_run(self, run_id: UUID) -> list[dict[str, Any]]:
        return await self._rows("live_jobs_for_run", run_id=str(run_id))

    async def leftover_jobs(self) -> list[dict[str, Any]]:
        return await self._rows("leftover_jobs")

    async def jobs_left_of_run(self, run_id: UUID, queues: list[str]) -> int:
        row = await self._one("jobs_left_of_run", run_id=str(run_id), queues=queues)
        return int(row["n"]) if row else 0

    async def active_runs_without_jobs(self, grace_seconds: float) -> list[m.Run]:
        return await self._models(m.Run, "active_runs_without_jobs", grace_seconds=grace_seconds)

    async def pin_run(self, run_id: UUID, worker_id: str) -> str | None:
        row = await self._one("pin_run", run_id=run_id, worker_id=worker_id)
        return row["lane"] if row else None

    async def unpin_run(self, run_id: UUID, worker_id: str | None) -> bool:
        row = await self._one("unpin_run", run_id=run_id, worker_id=worker_id)
        return bool(row and row["unpinned"])

    async def unpin_orphaned_runs(self) -> int:
        row = await self._one("unpin_orphaned_runs")
        return int(row["n"]) if row else 0

    # -- web discovery ----------------------------------------------------------------
    async def plan_run_queries(self, run_id: UUID, planned: list[tuple[str, int]]) -> None:
        """Append (query, page) pairs to the run's plan in one statement, skipping planned ones."""
        unique = list(dict.fromkeys(planned))
        await self._rows(
            "plan_run_queries", run_id=run_id, queries=[q for q, _ in unique], pages=[p for _, p in unique]
        )

    async def productive_deep_queries(
        self, run_id: UUID, from_page: int, max_page: int, plan_step: int
    ) -> list[tuple[str, int]]:
        rows = await self._rows(
            "productive_deep_queries", run_id=run_id, from_page=from_page, max_page=max_page, plan_step=plan_step
        )
        return [(r["query"], r["page"]) for r in rows]

    async def next_run_queries(self, run_id: UUID, limit: int = 1) -> list[dict[str, Any]]:
        return await self._rows("next_run_queries", run_id=run_id, limit=limit)

    async def finish_run_query(
        self, run_id: UUID, position: int, status: str, results: int, provider: str, conn: Conn | None = None
    ) -> None:
        await self._rows(
            "finish_run_query",
            conn,
            run_id=run_id,
            position=position,
            status=status,
            results=results,
            provider=provider,
        )

    async def add_candidate(
        self,
        run_id: UUID,
        domain: str,
        name: str,
        website: str,
        found_via: str,
        status: str = "pending",
        reasons: list[str] | None = None,
        seq: int = 0,
        conn: Conn | None = None,
        listed_city: str | None = None,
    ) -> bool:
        row = await self._one(
            "add_candidate",
            conn,
            run_id=run_id,
            domain=domain,
            name=name,
            website=website,
            found_via=found_via,
            status=status,
            reasons=reasons or [],
            seq=seq,
            listed_city=listed_city,
        )
        return bool(row and row["inserted"])

    async def candidate_names(self, run_id: UUID, conn: Conn | None = None) -> list[dict[str, Any]]:
        return await self._rows("candidate_names", conn, run_id=run_id)

    async def pending_candidates(self, run_id: UUID, limit: int) -> list[dict[str, Any]]:
        return await self._rows("pending_candidates", run_id=run_id, limit=limit)

    async def revive_unread_repeats(self, run_id: UUID, set_aside: str, reason: str) -> int:
        """Set pending again a run's unread profiles whose first reason starts with ``set_aside``."""
        rows = await self._rows("revive_unread_repeats", run_id=run_id, set_aside=set_aside, reasons=[reason])
        return len(rows)

    async def undelivered_accepted(self, run_id: UUID, limit: int) -> list[dict[str, Any]]:
        return await self._rows("undelivered_accepted", run_id=run_id, limit=limit)

    async def defer_candidate(self, run_id: UUID, domain: str, reason: str, step: int) -> None:
        await self._rows("defer_candidate", run_id=run_id, domain=domain, reasons=[reason], step=step)

    async def settle_candidate(
        self,
        run_id: UUID,
        domain: str,
        *,
        status: str,
        reasons: list[str],
        verdicts: list[Any],
        company: dict[str, Any] | None,
        fetches: int,
        retries: int,
        pages: list[Any] | None = None,
        conn: Conn | None = None,
    ) -> None:
        await self._rows(
            "settle_candidate",
            conn,
            pages=Jsonb(pages or []),
            run_id=run_id,
            domain=domain,
            status=status,
            reasons=reasons,
            verdicts=verdicts,
            company=company,
            fetches=fetches,
            retries=retries,
        )

    async def candidate_pass_rate(self, run_id: UUID) -> tuple[int, int]:
        row = await self._one("candidate_pass_rate", run_id=run_id)
        return (int(row["passed"]), int(row["decided"])) if row else (0, 0)

    async def candidate_stats(self, run_id: UUID) -> list[dict[str, Any]]:
        return await self._rows("candidate_stats", run_id=run_id)

    async def resolve_candidate(
        self, run_id: UUID, key: str, domain: str, name: str, website: str, *, excluded: bool = False
    ) -> str | None:
        """Re-key a directory profile's candidate to the company's domain and return its status
        (``suppressed`` when the domain is blocked or ``excluded``); None when the run already has
        that domain (two concurrent resolutions to one domain: the second loses)."""
        values = {"run_id": run_id, "key": key, "domain": domain, "name": name, "website": website}
        try:
            row = await self._one("resolve_candidate", **values, excluded=excluded)
        except UniqueViolation:
            return None
        return str(row["status"]) if row else None

    async def is_blocked(self, domain: str, conn: Conn | None = None) -> bool:
        row = await self._one("is_blocked", conn, domain=domain)
        return bool(row and row["blocked"])

    async def cache_get(self, url: str, max_age: float | None = None) -> dict[str, Any] | None:
        return await self._one("cache_get", url=url, max_age=max_age)

    async def cache_host(self, host: str, max_age: float | None, limit: int) -> list[dict[str, Any]]:
        return await self._rows("cache_host", host=host, max_age=max_age, limit=limit)

    async def cache_put(self, values: dict[str, Any], body: str | None) -> None:
        await self.cache_put_many([(values, body)])

    async def cache_put_many(self, pages: list[tuple[dict[str, Any], str | None]]) -> None:
        """Record fetches in one transaction (bodies once per content hash)."""
        bodies = {v["content_hash"]: b for v, b in pages if v.get("content_hash") and b is not None}
        async with self.transaction() as conn, conn.cursor() as cur:
            if bodies:
                await cur.executemany(
                    QUERIES["cache_put_body"], [{"content_hash": h, "body": b} for h, b in sorted(bodies.items())]
                )
            await cur.executemany(QUERIES["cache_put"], [_params(v) for v, _ in pages])
            await cur.execute(QUERIES["release_pages"], {"urls": sorted({v["url"] for v, _ in pages})})

    async def claim_page(self, url: str, seconds: float) -> bool:
        return await self._one("claim_page", url=url, seconds=seconds) is not None

    async def shared_page(
        self, url: str, max_age: float | None
    ) -> tuple[dict[str, Any] | None, bool, tuple[str, int | None] | None]:
        """(the cached row of a claimed page, or None; whether its claim still stands; the
        (error, status) its claimed fetch failed with for now, or None)."""
        row = await self._one("shared_page", url=url, max_age=max_age)
        if row is None:
            return None, False, None
        failed = (row["claim_failed"], row["claim_failed_status"]) if row["claim_failed"] else None
        return (row if row["url"] is not None else None), bool(row["claimed"]), failed

    async def fail_page(self, url: str, error: str, status: int | None, seconds: float) -> None:
        await self._rows("fail_page", url=url, error=error, status=status, seconds=seconds)

    async def release_pages(self, urls: list[str]) -> None:
        await self._rows("release_pages", urls=urls)

    # -- search answers shared by workers ------------------------------------------------
    async def search_answer(
        self, provider: str, query: str, page: int, since: datetime
    ) -> tuple[dict[str, Any] | None, bool]:
        """(the answer given since ``since``: its results and answered_at, or None; whether a
        worker holds the claim to ask)."""
        row = await self._one("search_answer", provider=provider, query=query, page=page, since=since)
        if row is None:
            return None, False
        return (row if row["fresh"] else None), bool(row["claimed"])

    async def claim_search(self, provider: str, query: str, page: int, seconds: float, since: datetime) -> bool:
        row = await self._one("claim_search", provider=provider, query=query, page=page, seconds=seconds, since=since)
        return row is not None

    async def put_search(self, provider: str, query: str, page: int, results: list[dict[str, Any]]) -> None:
        await self._rows("put_search", provider=provider, query=query, page=page, results=Jsonb(results))

    async def release_search(self, provider: str, query: str, page: int) -> None:
        await self._rows("release_search", provider=provider, query=query, page=page)

    # -- worker registry --------------------------------------------------------------
    async def upsert_heartbeat(self, **values: Any) -> bool:
        row = await self._one("upsert_heartbeat", **values)
        return bool(row and row["stop_requested"])

    async def request_worker_stop(self, worker_id: str) -> bool:
        row = await self._one("request_worker_stop", worker_id=worker_id)
        return bool(row and row["found"])

    async def stop_worker(self, worker_id: str) -> bool:
        row = await self._one("stop_worker", worker_id=worker_id)
        return bool(row and row["found"])

    async def active_workers(self) -> list[m.WorkerRow]:
        return await self._models(m.WorkerRow, "active_workers")

    async def dead_workers(self) -> list[m.WorkerRow]:
        return await self._models(m.WorkerRow, "dead_workers")

    async def worker_stats(self) -> list[m.WorkerStats]:
        return await self._models(m.WorkerStats, "worker_stats")

    async def get_worker(self, worker_id: str) -> m.WorkerRow | None:
        return await self._model(m.WorkerRow, "get_worker", worker_id=worker_id)

    async def delete_worker(self, worker_id: str) -> None:
        await self._rows("delete_worker", worker_id=worker_id)

    # -- outbox ----------------------------------------------------------------------
    async def insert_outbox(self, message: m.NewOutboxMessage, conn: Conn) -> UUID | None:
        row = await self._one("insert_outbox", conn, **message.model_dump(mode="json"))
        return row["id"] if row else None

    async def claim_outbox(self, message_id: UUID) -> m.OutboxMessage | None:
        return await self._model(m.OutboxMessage, "claim_outbox", id=message_id)

    async def release_outbox(self, message_id: UUID, recipients: list[str]) -> bool:
        return await self._one("release_outbox", id=message_id, recipients=recipients) is not None

    async def settle_outbox(self, message_id: UUID, status: str, error: str | None = None) -> None:
        await self._rows("settle_outbox", id=message_id, status=status, error=error)

    async def list_outbox(self, run_id: UUID | None = None, limit: int = 50) -> list[m.OutboxMessage]:
        return await self._models(m.OutboxMessage, "list_outbox", run_id=run_id, limit=limit)

    # -- webhook endpoints -------------------------------------------------------------
    async def insert_webhook_endpoint(self, url: str, secret: str) -> UUID:
        row = await self._one("insert_webhook_endpoint", url=url, secret=secret)
        assert row is not None
        return UUID(str(row["id"]))

    async def webhook_secrets(self, endpoint_id: UUID) -> dict[str, Any] | None:
        return await self._one("webhook_secrets", id=endpoint_id)

    async def rotate_webhook_secret(self, endpoint_id: UUID, secret: str) -> bool:
        return await self._one("rotate_webhook_secret", id=endpoint_id, secret=secret) is not None

    async def list_webhook_endpoints(self) -> list[m.WebhookEndpoint]:
        return await self._models(m.WebhookEndpoint, "list_webhook_endpoints")

    # -- usage -----------------------------------------------------------------------
    async def insert_usage(
        self, run_id: UUID, company_id: UUID | None, scope: str, spent: Usage, conn: Conn | None = None
    ) -> None:
        await self._rows("insert_usage", conn, run_id=run_id, company_id=company_id, scope=scope, **spent.model_dump())

    async def usage_totals(self, run_id: UUID, company_id: UUID | None = None) -> Usage:
        row = await self._one("usage_totals", run_id=run_id, company_id=company_id)
        return Usage.model_validate(row or {})

    async def usage_by_scope(self, run_id: UUID) -> list[dict[str, Any]]:
        return await self._rows("usage_by_scope", run_id=run_id)

    # -- pages (dashboard and API) -----------------------------------------------------
    async def count_runs(self, status: str | None = None) -> int:
        row = await self._one("count_runs", status=status)
        return int(row["n"]) if row else 0

    async def page_companies(self, run_id: UUID, limit: int, offset: int) -> list[tuple[m.Company, int]]:
        rows = await self._rows("page_companies", run_id=run_id, limit=limit, offset=offset)
        return [(m.Company.model_validate(row), int(row["contacts"])) for row in rows]

    async def page_contacts(self, run_id: UUID, limit: int, offset: int) -> list[m.Contact]:
        return await self._models(m.Contact, "page_contacts", run_id=run_id, limit=limit, offset=offset)

    async def count_contacts_of_run(self, run_id: UUID) -> int:
        row = await self._one("count_contacts_of_run", run_id=run_id)
        return int(row["n"]) if row else 0

    async def research_of_company(self, company_id: UUID) -> dict[str, Any] | None:
        return await self._one("research_of_company", company_id=company_id)

    async def contacts_of_company(self, company_id: UUID) -> list[m.Contact]:
        return await self._models(m.Contact, "contacts_of_company", company_id=company_id)

    # -- measurements (benchmarks) -------------------------------------------------------
    async def active_runs_among(self, run_ids: list[UUID]) -> int:
        """How many of ``run_ids`` are active; a run that does not exist counts as active."""
        row = await self._one("active_runs_among", run_ids=[str(r) for r in run_ids])
        return len(run_ids) - row["known"] + row["active"] if row else len(run_ids)

    async def job_intervals(self, run_ids: list[UUID]) -> list[dict[str, Any]]:
        return await self._rows("job_intervals", run_ids=[str(r) for r in run_ids])

    async def database_activity(self) -> dict[str, int]:
        row = await self._one("database_activity")
        return {k: int(v or 0) for k, v in (row or {}).items()}
