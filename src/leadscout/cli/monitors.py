"""``leadscout monitor create | list | show | pause | resume | delete | run``: a saved request
that re-runs on a schedule and delivers only what changed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from leadscout.cli.common import (
    JsonFlag,
    SandboxFlag,
    SeedOption,
    StyleOption,
    WorldDayOption,
    app,
    cli_settings,
    err,
    language_model,
    open_store,
    out,
    print_json,
    request_flags,
    run_async,
    sandbox_for,
    sandbox_style,
    world_day,
)
from leadscout.cli.runs import outbox_tried, work_in_process
from leadscout.models.monitors import Delivered, Monitor
from leadscout.monitors import service
from leadscout.pipeline.launch import Launch

monitor_app = typer.Typer(help="Monitors: a saved request re-run on a schedule, delivering only what changed.")
app.add_typer(monitor_app, name="monitor")
MonitorId = Annotated[str, typer.Argument(help="The monitor (see `leadscout monitor list`).")]


@monitor_app.command("create")
@request_flags(exclude={"preview"}, help={"quantity": "At most this many new companies a run (default: all)."})
def monitor_create(
    request_model: Launch,
    every: Annotated[
        str, typer.Option("--every", help="Schedule: a 5-field cron expression in UTC, e.g. '0 6 * * 1'.")
    ] = "0 6 * * 1",
    name: Annotated[str | None, typer.Option("--name", help="A name (default: the request as understood).")] = None,
    sandbox: SandboxFlag = False,
    seed: SeedOption = 7,
    style: StyleOption = "classic",
    notify: Annotated[
        list[str] | None, typer.Option("--notify", help="Email what each run delivered (repeat).")
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Save a request (the same as `leadscout run` takes) to re-run on a schedule."""
    launch = request_model
    spec = service.MonitorSpec.parse(launch=launch, every=every, name=name, notify=notify or [])
    settings = cli_settings()

    async def go() -> service.Created:
        async with open_store(settings) as (store, _):
            return await service.create(
                store, spec, llm=language_model(settings), sandbox_seed=seed if sandbox else None,
                sandbox_style=sandbox_style(style),
            )  # fmt: skip

    created = run_async(go)
    monitor = created.monitor
    if created.prepared.webhook is not None and created.prepared.webhook.generated:  # stderr: never in --json
        err.print(
            f"webhook secret for {created.prepared.webhook.url} (shown once; verify signatures with it): "
            f"{created.prepared.webhook.secret.get_secret_value()}"
        )
    if json_out:
        print_json({"id": str(monitor.id)})
        return
    out.print(f"[bold]Monitor {monitor.id}[/]: {monitor.name}")
    out.print(f"schedule {monitor.cron} (UTC), next run {monitor.next_tick_at:%Y-%m-%d %H:%M} UTC")
    out.print("workers run it on schedule (`leadscout worker`); `leadscout monitor run ID` runs it now")


@monitor_app.command("list")
def monitor_list(json_out: JsonFlag = False) -> None:
    """Every monitor: its schedule, next run, and how many companies it watches."""

    async def go() -> list[Monitor]:
        async with open_store(cli_settings()) as (store, _):
            return await store.list_monitors()

    monitors = run_async(go)
    if json_out:
        print_json([_public(m) for m in monitors])
        return
    table = Table("name", "schedule", "next run (UTC)", "watching", "runs", "state")
    table.add_column("monitor", no_wrap=True, min_width=36)
    for m in monitors:
        table.add_row(m.name, m.cron, f"{m.next_tick_at:%Y-%m-%d %H:%M}", str(m.watching), str(m.runs),
                      "paused" if m.paused else "active", str(m.id))  # fmt: skip
    out.print(table)


@monitor_app.command("show")
def monitor_show(monitor_id: MonitorId, json_out: JsonFlag = False) -> None:
    """A monitor, its last runs and what each delivered."""

    async def go() -> dict[str, Any]:
        async with open_store(cli_settings()) as (store, _):
            monitor = await service.get(store, monitor_id)
            runs = await store.list_monitor_runs(monitor.id)
            return {**_public(monitor), "runs": [r.model_dump(mode="json") for r in runs]}

    shown = run_async(go)
    if json_out:
        print_json(shown)
        return
    out.print(f"[bold]{shown['name']}[/] ({shown['id']}), schedule {shown['cron']} UTC")
    out.print(f"next run {shown['next_tick_at']}; watching {shown['watching']} companies; paused: {shown['paused']}")
    table = Table("tick", "trigger", "run", "status", "new", "gone", "changed", "back", "fetches")
    for r in shown["runs"]:
        result = r.get("result") or {}
        counts = [str(len(result.get(k, []))) if result else "" for k in ("new", "gone", "changed", "back")]
        table.add_row(r["tick_at"][:16], r["trigger"], r["run_id"], f"{r['status']} ({r['run_status']})", *counts,
                      str(result.get("fetches", "")))  # fmt: skip
    out.print(table)


@monitor_app.command("pause")
def monitor_pause(monitor_id: MonitorId) -> None:
    """Stop running on schedule (`monitor resume` starts again)."""
    _set_paused(monitor_id, True)


@monitor_app.command("resume")
def monitor_resume(monitor_id: MonitorId) -> None:
    """Run on schedule again, from the schedule's next instant (missed ticks are not made up)."""
    _set_paused(monitor_id, False)


def _set_paused(monitor_id: str, paused: bool) -> None:
    async def go() -> Monitor:
        async with open_store(cli_settings()) as (store, _):
            return await service.set_paused(store, monitor_id, paused)

    monitor = run_async(go)
    state = "paused" if paused else f"active; next run {monitor.next_tick_at:%Y-%m-%d %H:%M} UTC"
    out.print(f"monitor {monitor.id}: {state}")


@monitor_app.command("delete")
def monitor_delete(monitor_id: MonitorId) -> None:
    """Delete a monitor and its record of what it delivered (its runs and their exports stay)."""

    async def go() -> None:
        async with open_store(cli_settings()) as (store, _):
            await service.delete(store, monitor_id)

    run_async(go)
    out.print(f"monitor {monitor_id} deleted")


@monitor_app.command("run")
def monitor_run(
    monitor_id: MonitorId,
    day: WorldDayOption = 0,
    json_out: JsonFlag = False,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="In-process worker concurrency.")] = 4,
    out_dir: Annotated[Path, typer.Option("--out", help="Where the run's exports go.")] = Path("exports"),
) -> None:
    """Run one tick now, to the end, and print what it delivered (new, gone, changed)."""
    settings = cli_settings()
    chosen_day = world_day(day)

    async def go() -> Delivered | str:
        async with open_store(settings) as (store, dsn):
            monitor = await service.get(store, monitor_id)
            record, run = await service.run_now(
                store, monitor.id, batch_size=settings.batch_size, world_day=chosen_day if chosen_day else None
            )
            if not json_out:
                out.print(f"[bold]Monitor run[/] {record.id}: run {run.id}")

            async def delivered() -> bool:
                now = await store.monitor_run_of_run(run.id)
                current = await store.get_run(run.id)
                settled = current is None or current.status.value not in ("active", "completed")
                return settled or (now is not None and now.status == "delivered" and await outbox_tried(store, run.id))

            with sandbox_for(run.options) as wire:
                await work_in_process(wire(settings), dsn, delivered, concurrency, out_dir)
            final = await store.monitor_run_of_run(run.id)
            if final is None or final.result is None:
                current = await store.get_run(run.id)
                return f"run {run.id} ended {current.status.value if current else 'deleted'} before delivering"
            return Delivered.model_validate(final.result)

    result = run_async(go)
    if isinstance(result, str):
        err.print(f"[red]{result}[/]; `leadscout status RUN` says why")
        raise typer.Exit(1)
    if json_out:
        print_json(result.model_dump(mode="json"))
        return
    for n in result.new:
        out.print(f"[green]new[/]     {n.domain}  {n.name}")
    for g in result.gone:
        out.print(f"[red]gone[/]    {g.domain}  {g.reason}: {g.detail}")
    for c in result.changed:
        out.print(f"[yellow]changed[/] {c.domain}  {c.field}: {c.old} -> {c.new}")
    for b in result.back:
        out.print(f"[green]back[/]    {b.domain}  {b.detail}")
    for f in result.failing:
        out.print(f"[yellow]failing[/] {f.domain}  {f.detail}")
    per_known = f", {result.requests_per_known} per known company" if result.requests_per_known is not None else ""
    out.print(
        f"{len(result.new)} new, {len(result.gone)} gone, {len(result.changed)} changed, {len(result.back)} back; "
        f"{result.known} known companies re-checked; {result.fetches} requests "
        f"({result.recheck_fetches} re-checking{per_known})"
    )


def _public(monitor: Monitor) -> dict[str, Any]:
    return monitor.model_dump(mode="json")
