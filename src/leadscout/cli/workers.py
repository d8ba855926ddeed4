"""``leadscout worker`` and ``leadscout workers``: run a worker; worker health."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from leadscout.cli.common import (
    app,
    cli_settings,
    err,
    open_store,
    out,
    print_json,
    run_async,
)
from leadscout.db import migrate
from leadscout.db.connection import resolve_dsn
from leadscout.errors import UserError

workers_app = typer.Typer(help="Worker health: active and dead workers, stats, stop.", invoke_without_command=True)
app.add_typer(workers_app, name="workers")


@app.command("worker")
def worker_cmd(
    worker_type: Annotated[
        str, typer.Option("--type", help="lead_list | company_research | contact_research | all")
    ] = "all",
    concurrency: Annotated[int, typer.Option(min=1, max=64)] = 4,
    worker_id: Annotated[str | None, typer.Option("--id", help="Worker id (default: type-host-pid-random).")] = None,
) -> None:
    """Run a worker until stopped (SIGTERM, Ctrl-C, `leadscout workers stop ID`, WORKER_MAX_LOOPS)."""
    from leadscout.workers.runner import WorkerConfig, run_worker

    settings = cli_settings()
    dsn = resolve_dsn(settings)
    migrate.upgrade(dsn)
    wid = run_async(
        lambda: run_worker(
            settings, dsn, WorkerConfig(worker_type=worker_type, concurrency=concurrency, worker_id=worker_id)
        )
    )
    err.print(f"worker {wid} stopped")


@workers_app.callback()
def workers_list(ctx: typer.Context, json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List active and dead workers, with stats per type."""
    if ctx.invoked_subcommand is not None:
        return

    async def go() -> dict[str, Any]:
        async with open_store(cli_settings()) as (store, _):
            return {
                "active": [w.model_dump(mode="json") for w in await store.active_workers()],
                "dead": [w.model_dump(mode="json") for w in await store.dead_workers()],
                "stats": [s.model_dump() for s in await store.worker_stats()],
            }

    data = run_async(go)
    if json_out:
        print_json(data)
        return
    for title, rows in (("Active workers", data["active"]), ("Dead workers", data["dead"])):
        table = Table("worker", "type", "status", "last heartbeat (s ago)", "current task", title=title)
        for w in rows:
            table.add_row(
                w["worker_id"],
                w["worker_type"],
                w["status"],
                f"{w['seconds_since_heartbeat']:.0f}",
                w["current_task"] or "",
            )
        out.print(table)
    stats = Table("type", "total", "active", "idle", "processing", "dead", "stopped", title="Stats")
    for s in data["stats"]:
        stats.add_row(
            *(
                str(s[k])
                for k in (
                    "worker_type",
                    "total_workers",
                    "active_workers",
                    "idle_workers",
                    "processing_workers",
                    "dead_workers",
                    "stopped_workers",
                )
            )
        )
    out.print(stats)


@workers_app.command("stop")
def workers_stop(worker_id: Annotated[str, typer.Argument()]) -> None:
    """Stop a worker gracefully after its current job."""

    async def go() -> bool:
        async with open_store(cli_settings()) as (store, _):
            return await store.request_worker_stop(worker_id)

    if not run_async(go):
        raise UserError(f"no worker {worker_id!r}; `leadscout workers` lists them")
    out.print(f"stop requested: {worker_id} stops after its current job")
