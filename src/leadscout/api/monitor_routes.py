"""REST API v1: monitors (create, list, detail with runs, pause, resume, delete, run a tick now).
Every handler is a thin call into :mod:`leadscout.monitors.service`."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from leadscout.api.deps import Context, context_of, require_token
from leadscout.api.problems import problems
from leadscout.models.monitors import Monitor, MonitorRun
from leadscout.monitors import service
from leadscout.monitors.service import MonitorSpec

monitors = APIRouter(
    prefix="/api/v1/monitors",
    dependencies=[Depends(require_token)],
    tags=["monitors"],
    responses=problems(401, 422, 500, 503),
)
Ctx = Annotated[Context, Depends(context_of)]


@monitors.post("", status_code=201, responses=problems(400, 409, 413))
async def create_monitor(spec: MonitorSpec, ctx: Ctx) -> dict[str, Any]:
    """Save a run's request to re-run on a cron schedule (UTC); only what changed is delivered."""
    created = await service.create(
        ctx.store, spec, llm=ctx.llm, sandbox_seed=ctx.config.sandbox_seed, sandbox_style=ctx.config.sandbox_style
    )
    webhook = created.prepared.webhook
    return {
        "id": created.monitor.id,
        "name": created.monitor.name,
        "criteria": created.prepared.understood.criteria.describe(),
        "next_tick_at": created.monitor.next_tick_at,
        "webhook_secret": webhook.secret.get_secret_value() if webhook and webhook.generated else None,
    }


@monitors.get("", response_model=list[Monitor])
async def list_monitors(ctx: Ctx) -> list[Monitor]:
    return await ctx.store.list_monitors()


@monitors.get("/{monitor_id}", responses=problems(404))
async def get_monitor(monitor_id: UUID, ctx: Ctx) -> dict[str, Any]:
    """A monitor and its last runs, each with what it delivered."""
    monitor = await service.get(ctx.store, monitor_id)
    runs = await ctx.store.list_monitor_runs(monitor.id)
    return {"monitor": monitor, "runs": runs}


@monitors.post("/{monitor_id}/pause", response_model=Monitor, responses=problems(404))
async def pause_monitor(monitor_id: UUID, ctx: Ctx) -> Monitor:
    return await service.set_paused(ctx.store, monitor_id, True)


@monitors.post("/{monitor_id}/resume", response_model=Monitor, responses=problems(404))
async def resume_monitor(monitor_id: UUID, ctx: Ctx) -> Monitor:
    return await service.set_paused(ctx.store, monitor_id, False)


@monitors.delete("/{monitor_id}", responses=problems(404))
async def delete_monitor(monitor_id: UUID, ctx: Ctx) -> dict[str, str]:
    await service.delete(ctx.store, monitor_id)
    return {"deleted": str(monitor_id)}


@monitors.post("/{monitor_id}/run", status_code=202, response_model=MonitorRun, responses=problems(404, 409))
async def run_monitor(
    monitor_id: UUID, ctx: Ctx, world_day: Annotated[int | None, Query(ge=0, le=3650)] = None
) -> MonitorRun:
    """Start one tick now; the server's workers work it (GET the monitor to see what it delivered)."""
    record, _ = await service.run_now(
        ctx.store, monitor_id, batch_size=ctx.config.settings.batch_size, world_day=world_day
    )
    return record
