"""REST API v1: runs (create from criteria or a sentence, list, detail), companies with evidence,
contacts, events as Server-Sent Events (resumable from Last-Event-ID), decisions, cancel,
exports, suppression, workers, health. Every handler is a thin call into the pipeline."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.responses import FileResponse
from sse_starlette import EventSourceResponse

from leadscout.api import reads
from leadscout.api.deps import Context, context_of, require_token
from leadscout.api.problems import Problem, problems
from leadscout.api.schemas import (
    MAX_PAGE,
    CompanyDetail,
    CompanyRow,
    ContactRow,
    CreatedRun,
    Health,
    Page,
    RunRow,
    SuppressedDomain,
    SuppressionBody,
    Understanding,
    Workers,
)
from leadscout.db import migrate, outage
from leadscout.domains import InvalidDomain, registrable_domain
from leadscout.errors import InvalidCriteria, NotFound
from leadscout.models import RunEvent, Status
from leadscout.pipeline import export
from leadscout.pipeline.decisions import Decision, decide
from leadscout.pipeline.launch import Launch, Prepared, prepare, start
from leadscout.pipeline.runs import RunSummary, cancel_run, get_run_or_raise, summarize

router = APIRouter(prefix="/api/v1", dependencies=[Depends(require_token)], responses=problems(401, 422, 500, 503))
health = APIRouter(responses=problems(500))
Ctx = Annotated[Context, Depends(context_of)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"page length, at most {MAX_PAGE}")]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
SSE_POLL_SECONDS = 0.5
TERMINAL = {Status.COMPLETED.value, Status.FAILED.value, Status.CANCELLED.value}


# -- health -------------------------------------------------------------------------------------
@health.get("/healthz", response_model=Health, tags=["health"])
async def healthz() -> Health:
    """Liveness: the process answers."""
    return Health(status="ok")


@health.get("/readyz", response_model=Health, tags=["health"], responses={503: {"description": "not ready"}})
async def readyz(ctx: Ctx, response: Response) -> Health:
    """Readiness: the database answers and every migration is applied."""
    try:
        pending = [name for name, done in await asyncio.to_thread(migrate.status, ctx.dsn) if not done]
    except Exception as exc:  # any database trouble means: not ready
        response.status_code = 503
        return Health(status="unavailable", detail=f"database: {type(exc).__name__}")
    if pending:
        response.status_code = 503
        return Health(status="migrating", detail="pending migrations: " + ", ".join(pending))
    return Health(status="ready")


# -- runs -----------------------------------------------------------------------------------------
def _understanding(prepared: Prepared) -> dict[str, Any]:
    understood = prepared.understood
    return {
        "criteria": understood.criteria.model_dump(mode="json"),
        "summary": understood.criteria.describe(),
        "parser": understood.parser,
        "notes": [*understood.notes, *prepared.notices],
        "options": prepared.options,
    }


@router.post("/runs/parse", response_model=Understanding, tags=["runs"], responses=problems(400, 409, 413))
async def parse_run(launch: Launch, ctx: Ctx) -> dict[str, Any]:
    """How a request would be understood, without creating anything (show it to the user to confirm)."""
    return _understanding(
        await prepare(
            ctx.store, launch, llm=ctx.llm, sandbox_seed=ctx.config.sandbox_seed, sandbox_style=ctx.config.sandbox_style
        )
    )


@router.post("/runs", response_model=CreatedRun, status_code=201, tags=["runs"], responses=problems(400, 409, 413))
async def create_run(launch: Launch, ctx: Ctx) -> dict[str, Any]:
    """Start a run from typed criteria, a sentence, or both (the fields win)."""
    prepared = await prepare(
        ctx.store, launch, llm=ctx.llm, sandbox_seed=ctx.config.sandbox_seed, sandbox_style=ctx.config.sandbox_style
    )
    run = await start(ctx.store, prepared, batch_size=ctx.config.settings.batch_size)
    base = f"/api/v1/runs/{run.id}"
    links = {"self": base, "events": f"{base}/events", "companies": f"{base}/companies", "page": f"/runs/{run.id}"}
    made = prepared.webhook.secret.get_secret_value() if prepared.webhook and prepared.webhook.generated else None
    return {
        **_understanding(prepared),
        "run_id": run.id,
        "status": run.status.value,
        "links": links,
        "webhook_secret": made,
    }


StatusFilter = Annotated[Literal["active", "needs_user_decision", "completed", "failed", "cancelled"] | None, Query()]


@router.get("/runs", response_model=Page[RunRow], tags=["runs"])
async def list_runs(ctx: Ctx, status: StatusFilter = None, limit: Limit = 50, offset: Offset = 0) -> Page[RunRow]:
    """Runs, newest first."""
    return await reads.runs(ctx.store, status=status, limit=limit, offset=offset)


@router.get("/runs/{run_id:uuid}", response_model=RunSummary, tags=["runs"], responses=problems(404))
async def get_run(run_id: UUID, ctx: Ctx) -> RunSummary:
    """Stage, status, batches, gap, decision options, spending, files."""
    return await summarize(ctx.store, run_id)


@router.get(
    "/runs/{run_id:uuid}/companies", response_model=Page[CompanyRow], tags=["companies"], responses=problems(404)
)
async def list_companies(run_id: UUID, ctx: Ctx, limit: Limit = 50, offset: Offset = 0) -> Page[CompanyRow]:
    """A run's companies in delivery order (best fit first)."""
    return await reads.companies(ctx.store, run_id, limit=limit, offset=offset)


@router.get(
    "/runs/{run_id:uuid}/companies/{company_id}",
    response_model=CompanyDetail,
    tags=["companies"],
    responses=problems(404),
)
async def get_company(run_id: UUID, company_id: UUID, ctx: Ctx) -> CompanyDetail:
    """One company: every criterion verdict with its evidence (URL + quote), research facts, contacts."""
    return await reads.company(ctx.store, run_id, company_id)


@router.get("/runs/{run_id:uuid}/contacts", response_model=Page[ContactRow], tags=["contacts"], responses=problems(404))
async def list_contacts(run_id: UUID, ctx: Ctx, limit: Limit = 50, offset: Offset = 0) -> Page[ContactRow]:
    return await reads.contacts(ctx.store, run_id, limit=limit, offset=offset)


@router.get("/runs/{run_id:uuid}/events/log", response_model=list[RunEvent], tags=["events"], responses=problems(404))
async def event_log(
    run_id: UUID, ctx: Ctx, after: Annotated[int, Query(ge=0)] = 0, limit: Limit = MAX_PAGE
) -> list[RunEvent]:
    """Events after an id, oldest first (the same records the event stream sends)."""
    run = await get_run_or_raise(ctx.store, run_id)
    return await ctx.store.events_since(run.id, after, limit)


@router.get(
    "/runs/{run_id:uuid}/events",
    tags=["events"],
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events"}, **problems(404)},
)
async def event_stream(
    run_id: UUID,
    request: Request,
    ctx: Ctx,
    after: Annotated[int, Query(ge=0)] = 0,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=20)] = None,
) -> EventSourceResponse:
    """Server-Sent Events: every run event as a message (``id`` = its run_events id, ``data`` = the
    event as JSON) from ``after``, or from the Last-Event-ID a reconnecting client sends, so a
    stream resumes with no gap and no repeat. A named ``end`` event closes the stream once a
    finished run has nothing more to say."""
    run = await get_run_or_raise(ctx.store, run_id)
    cursor = int(last_event_id) if last_event_id and last_event_id.isdigit() else after
    return EventSourceResponse(_events(ctx, run.id, cursor, request), ping=15)


async def _events(ctx: Context, run_id: UUID, cursor: int, request: Request) -> AsyncIterator[dict[str, str]]:
    while not await request.is_disconnected():
        try:
            rows = await ctx.store.events_since(run_id, cursor, MAX_PAGE)
            run = None if rows else await ctx.store.get_run(run_id)
        except Exception as exc:
            if not outage.is_outage(exc):
                raise
            await asyncio.sleep(SSE_POLL_SECONDS * 4)  # the database is restarting: the stream waits for it
            continue
        for event in rows:
            cursor = event.id
            yield {"id": str(event.id), "data": event.model_dump_json()}  # a plain message: its name is in data
        if rows:
            continue
        if run is None or run.status.value in TERMINAL:
            if await ctx.store.events_since(run_id, cursor, 1):
                continue  # the last events committed between the two reads: send them first
            yield {"event": "end", "data": json.dumps({"status": run.status.value if run else "gone"})}
            return
        await asyncio.sleep(SSE_POLL_SECONDS)


@router.post(
    "/runs/{run_id:uuid}/decision", response_model=RunSummary, tags=["runs"], responses=problems(400, 404, 409, 413)
)
async def post_decision(run_id: UUID, decision: Decision, ctx: Ctx) -> RunSummary:
    """Answer a run in needs_user_decision; it resumes where it stopped."""
    await decide(ctx.store, run_id, decision)
    return await summarize(ctx.store, run_id)


@router.post("/runs/{run_id:uuid}/cancel", response_model=RunSummary, tags=["runs"], responses=problems(404, 409))
async def post_cancel(run_id: UUID, ctx: Ctx) -> RunSummary:
    await cancel_run(ctx.store, run_id)
    return await summarize(ctx.store, run_id)


MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get(
    "/runs/{run_id:uuid}/export",
    tags=["exports"],
    response_class=FileResponse,
    responses={200: {"content": {m: {} for m in MEDIA.values()}, "description": "the file"}, **problems(404)},
)
async def get_export(
    run_id: UUID,
    ctx: Ctx,
    format: Literal["csv", "json", "xlsx"] = "csv",
    kind: Literal["companies", "contacts"] = "companies",
) -> FileResponse:
    """Download the companies or contacts file (the stable export columns)."""
    run = await get_run_or_raise(ctx.store, run_id)
    paths = await export.export_run(ctx.store, run.id, ctx.config.exports_dir / str(run.id), format)
    return FileResponse(paths[kind], media_type=MEDIA[format], filename=f"{kind}_{run.id}.{format}")


# -- suppression -----------------------------------------------------------------------------------
@router.get("/suppression", response_model=Page[SuppressedDomain], tags=["suppression"])
async def list_suppression(ctx: Ctx, limit: Limit = 100, offset: Offset = 0) -> Page[SuppressedDomain]:
    return await reads.suppression(ctx.store, limit=limit, offset=offset)


@router.post("/suppression", tags=["suppression"], responses=problems(400, 413))
async def add_suppression(body: SuppressionBody, ctx: Ctx) -> dict[str, int]:
    """Suppress domains (or URLs): they are never delivered."""
    domains = []
    for value in body.domains:
        try:
            domains.append(registrable_domain(value))
        except InvalidDomain as exc:
            raise InvalidCriteria(f"{value!r}: {exc}") from None
    added = sum([await ctx.store.add_blocked_domain(d, body.reason, "api") for d in dict.fromkeys(domains)])
    return {"added": added, "already": len(set(domains)) - added}


@router.delete("/suppression/{domain}", tags=["suppression"], responses=problems(404))
async def remove_suppression(domain: Annotated[str, Path(max_length=253)], ctx: Ctx) -> dict[str, str]:
    if not await ctx.store.remove_blocked_domain(domain.strip().lower()):
        raise NotFound(f"{domain} is not suppressed")
    return {"removed": domain}


# -- workers ---------------------------------------------------------------------------------------
@router.get("/workers", response_model=Workers, tags=["workers"])
async def list_workers(ctx: Ctx) -> Workers:
    """Live and dead workers (last heartbeat, current task), and stats per type."""
    return await reads.workers(ctx.store)


@router.post("/workers/{worker_id}/stop", tags=["workers"], responses=problems(404))
async def stop_worker(worker_id: str, ctx: Ctx) -> dict[str, str]:
    """Ask a worker to stop after its current job."""
    if len(worker_id) > 200 or not await ctx.store.stop_worker(worker_id):
        raise Problem(404, "Not found", f"no worker {worker_id[:200]}")
    return {"stopping": worker_id}
