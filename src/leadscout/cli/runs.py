"""``leadscout run | status | runs | export | decide | cancel``: a run from request to export."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from leadscout.cli.common import (
    JsonFlag,
    SandboxFlag,
    SeedOption,
    StyleOption,
    T,
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
    split_commas,
    world_day,
)
from leadscout.config import Settings
from leadscout.db import outage
from leadscout.db.store import Store
from leadscout.errors import UserError
from leadscout.models import RunListing, Status
from leadscout.pipeline import export as export_mod
from leadscout.pipeline.launch import Launch, Prepared, prepare, start
from leadscout.pipeline.runs import RunSummary, summarize


@app.command("run")
@request_flags()
def run_cmd(
    request_model: Launch,
    batch_size: Annotated[
        int | None,
        typer.Option("--batch-size", help="Companies per discovery batch (LEAD_LIST_BATCH_SIZE, default 10)."),
    ] = None,
    no_wait: Annotated[bool, typer.Option("--no-wait", help="Create the run and return; workers do the rest.")] = False,
    json_out: JsonFlag = False,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="In-process worker concurrency.")] = 4,
    out_dir: Annotated[Path, typer.Option("--out", help="Where exports go.")] = Path("exports"),
    sandbox: SandboxFlag = False,
    seed: SeedOption = 7,
    style: StyleOption = "classic",
    day: WorldDayOption = 0,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Start without asking to confirm the criteria.")] = False,
) -> None:
    """Create a lead-list run; unless --no-wait, work it to the end here and export it."""
    launch = request_model
    settings = cli_settings(batch_size=batch_size)
    ask = not (yes or json_out or no_wait) and sys.stdin.isatty()
    request_ = RunRequest(
        launch, seed if sandbox else None, no_wait, json_out, concurrency, out_dir, ask, sandbox_style(style),
        world_day(day),
    )  # fmt: skip
    summary = run_async(lambda: _run_and_follow(settings, request_))
    if json_out:
        print_json(summary.model_dump(mode="json"))
    if summary.status == Status.FAILED.value:
        raise typer.Exit(1)


def _confirm(prepared: Prepared, *, ask: bool) -> None:
    """Show the criteria as understood (and by which parser); when a model read the request, ask at
    a terminal before starting (the rule parser is deterministic and documented)."""
    understood = prepared.understood
    by = "the LLM" if understood.parser == "llm" else "rules"
    err.print(f"Understood ({by}): [bold]{understood.criteria.describe()}[/]")
    for note in [*understood.notes, *prepared.notices]:
        err.print(f"[yellow]note:[/] {note}")
    if ask and understood.parser == "llm" and not typer.confirm("Start this run?", default=True, err=True):
        raise typer.Exit(1)


@dataclass
class RunRequest:
    """What `leadscout run` was asked to do, past validation."""

    launch: Launch
    sandbox_seed: int | None
    no_wait: bool
    json_out: bool
    concurrency: int
    out_dir: Path
    ask: bool  # confirm an LLM-parsed request at the terminal
    sandbox_style: str = "classic"
    sandbox_day: int = 0


async def _run_and_follow(settings: Settings, req: RunRequest) -> RunSummary:
    async with open_store(settings) as (store, dsn):
        prepared = await prepare(
            store,
            req.launch,
            llm=language_model(settings),
            sandbox_seed=req.sandbox_seed,
            sandbox_style=req.sandbox_style,
            sandbox_day=req.sandbox_day,
        )
        _confirm(prepared, ask=req.ask)
        with sandbox_for(prepared.options, not req.no_wait) as wire:
            run = await start(store, prepared, batch_size=settings.batch_size)
            say = (lambda *a, **k: None) if req.json_out else out.print
            say(f"[bold]Run {run.id}[/]: {prepared.understood.criteria.describe()}")
            if prepared.webhook is not None and prepared.webhook.generated:  # on stderr, never in --json output
                err.print(
                    f"webhook secret for {prepared.webhook.url} (shown once; verify signatures with it): "
                    f"{prepared.webhook.secret.get_secret_value()}"
                )
            if req.no_wait:
                if "sandbox" in prepared.options:
                    say(
                        "queued; run `leadscout sandbox serve`, export the variables it prints, then `leadscout worker`"
                    )
                else:
                    say("queued; start workers with `leadscout worker` and follow with `leadscout status`")
                return await summarize(store, run.id)
            return await _work_until_settled(wire(settings), store, dsn, run.id, req.concurrency, req.out_dir, say)


async def _work_until_settled(
    settings: Settings, store: Store, dsn: str, run_id: Any, concurrency: int, out_dir: Path, say: Callable[..., None]
) -> RunSummary:
    """Work a run with in-process workers until it completes, fails or needs a decision."""

    async def finished() -> bool:
        current = await store.get_run(run_id)
        if current is not None and current.status == Status.ACTIVE:
            return False
        return await outbox_tried(store, run_id)

    progress = asyncio.create_task(_follow(store, run_id, say))
    try:
        await work_in_process(settings, dsn, finished, concurrency, out_dir)
    finally:
        progress.cancel()

    async def through_outages(call: Callable[[], Awaitable[T]], what: str) -> T:
        return await outage.through_outages(call, store.ping, grace=settings.db_outage_grace, what=what)

    summary = await through_outages(lambda: summarize(store, run_id), "reading the run's summary")
    if summary.status == Status.ACTIVE.value:
        say("[yellow]stopped before the run finished; it is saved: `leadscout worker` resumes it[/]")
    elif summary.companies_found and not summary.exports:  # not completed: export what there is
        summary.exports = await through_outages(lambda: export_mod.export_run(store, run_id, out_dir), "exporting")
    _print_summary(summary, say)
    return summary


async def outbox_tried(store: Store, run_id: Any) -> bool:
    """A run's notifications were sent and its webhooks tried once (their retries, over hours,
    are any worker's): in-process workers may stop."""
    return all(
        m.status not in ("pending", "sending") or bool(m.endpoint_id and m.status == "pending" and m.attempts)
        for m in await store.list_outbox(run_id)
    )


async def work_in_process(
    settings: Settings, dsn: str, until: Callable[[], Awaitable[bool]], concurrency: int, out_dir: Path
) -> None:
    """In-process workers, working whatever is queued until ``until()`` says it is done."""
    from leadscout.workers.runner import WorkerConfig, run_worker_supervised

    worker_settings = settings.model_copy(update={"exports_dir": out_dir})
    config = WorkerConfig(concurrency=concurrency, until=until, outage_limit=settings.db_outage_grace)
    await run_worker_supervised(worker_settings, dsn, config, give_up_after=settings.db_outage_grace)


NOTICES = ("email_verification_notice",)  # events the user must see as they happen


async def _follow(store: Store, run_id: Any, say: Callable[..., None]) -> None:
    """Print batch progress in the seed's format as the checkpoints appear."""
    started: set[int] = set()
    finished: set[int] = set()
    stage = None
    last_event = 0
    while True:
        try:
            run = await store.get_run(run_id)
            batches = await store.list_batches(run_id)
            events = await store.events_since(run_id, last_event)
        except Exception:  # the database may be restarting; the worker reconnects too
            await asyncio.sleep(0.5)
            continue
        for event in events:
            last_event = max(last_event, event.id)
            if event.event in NOTICES:
                say(f"  ⚠ {event.payload.get('message', '')}")
        target = run.target_quantity if run else 0
        before = 0
        for b in batches:
            if b.batch_no not in started:
                started.add(b.batch_no)
                say(f"\n[{b.started_at.astimezone():%H:%M:%S}] Batch {b.batch_no}:")
                say(_progress(before, target))
                say(f"  Remaining: {max(0, target - before)}")
                say("  🔄 Processing batch...")
            if b.status == "done" and b.batch_no not in finished:
                finished.add(b.batch_no)
                say(f"  ✅ Batch complete: Found {b.found} companies in {b.seconds or 0:.1f}s")
                say(_progress(before + b.found, target))
            before += b.found if b.status == "done" else 0
        if run and run.stage != stage:
            if stage is not None:
                say(f"[{datetime.now():%H:%M:%S}] Stage: {run.stage.value}")
            stage = run.stage
        await asyncio.sleep(0.25)


def _progress(found: int, target: int) -> str:
    """The seed's progress line; a batch that replaces a company short of contacts adds to the
    companies found after the target was reached (the replaced one is no longer counted)."""
    return f"  Progress: {min(found, target)}/{target} companies"


def _print_summary(s: RunSummary, say: Callable[..., None]) -> None:
    line = "=" * 34
    say(f"\n{line}\nBATCH PROCESSING COMPLETE\n{line}")
    say(f"Total Batches: {len(s.batches)}")
    say(f"Companies Found: {s.companies_found}/{s.target_quantity}")
    say(f"Success Rate: {s.success_rate:.1f}%")
    if s.total_seconds is not None:
        say(f"Total Time: {s.total_seconds:.1f}s ({s.total_seconds / 60:.1f} min)")
    if s.avg_batch_seconds is not None:
        say(f"Avg Time/Batch: {s.avg_batch_seconds:.1f}s")
    say(f"Contacts Found: {s.contacts_found}")
    say(f"Status: {s.status} (stage {s.stage})\n{line}")
    if s.candidates:
        by = ", ".join(f"{n} {k}" for k, n in sorted(s.candidates["by_status"].items()))
        say(f"Candidates: {by}; {s.candidates['fetches']} fetches, {s.candidates['retries']} retries")
        if s.candidates["rejections_by_criterion"]:
            why = ", ".join(f"{k} {n}" for k, n in sorted(s.candidates["rejections_by_criterion"].items()))
            say(f"Rejected for: {why}")
    if s.emails:
        say("Emails: " + ", ".join(f"{n} {k}" for k, n in sorted(s.emails.items())))
    if total := s.usage.get("total"):
        spent = f"${total['cost_usd']:.4f}, {total['llm_requests']} LLM requests ({total['input_tokens']} in / "
        spent += f"{total['output_tokens']} out tokens), {total['searches']} searches, {total['fetches']} fetches, "
        say(f"Spent ({s.strategy}): {spent}{total['email_checks']} email checks")
        if per := s.usage.get("per_accepted_company"):
            say(
                f"Per accepted company: ${per['cost_usd']:.4f}, {per['llm_requests']} LLM requests, "
                f"{per['tokens']} tokens, {per['searches']} searches, {per['fetches']} fetches"
            )
    for d in s.dropped:
        say(f"Dropped {d['domain']}: {d['reason']}")
    if s.decision_companies:
        say("Short of the target, and why:")
        for company in s.decision_companies[:15]:
            say(f"  {company.get('domain')}: {company.get('why')}")
    if s.decision_options:
        say("[yellow]This run needs your decision[/] (`leadscout decide RUN_ID ACTION`):")
        for i, option in enumerate(s.decision_options, 1):
            say(f"  {i}) {option.get('label')}  -> {str(option.get('action', '')).replace('_', '-')}")
    if s.exports:
        say(f"Exports: {s.exports['companies']}\n         {s.exports['contacts']}")
    for note in s.notifications:
        say(f"Notification: {note}")


@app.command("status")
def status_cmd(
    run_id: Annotated[str, typer.Argument()], json_out: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Show one run: stage, status, batches, gap."""

    async def go() -> RunSummary:
        async with open_store(cli_settings()) as (store, _):
            return await summarize(store, run_id)

    summary = run_async(go)
    if json_out:
        print_json(summary.model_dump(mode="json"))
    else:
        out.print(f"[bold]Run {summary.run_id}[/]")
        for b in summary.batches:
            seconds = f"{b.seconds:.1f}s" if b.seconds is not None else "running"
            out.print(f"  batch {b.number}: {b.found}/{b.requested} ({seconds}, attempt {b.attempts})")
        _print_summary(summary, out.print)


@app.command("runs")
def runs_cmd(
    status: Annotated[str | None, typer.Option(help="Only runs with this status.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List runs, newest first."""
    if status is not None and status not in {s.value for s in Status}:
        raise UserError(f"unknown status {status!r}; use one of: {', '.join(s.value for s in Status)}")

    async def go() -> list[RunListing]:
        async with open_store(cli_settings()) as (store, _):
            return await store.list_runs(status=status, limit=limit)

    rows = run_async(go)
    if json_out:
        print_json([r.model_dump(mode="json", exclude={"criteria"}) for r in rows])
        return
    table = Table("created", "stage", "status", "companies")
    table.add_column("run", no_wrap=True, min_width=36)
    for r in rows:
        table.add_row(
            f"{r.created_at:%Y-%m-%d %H:%M}", r.stage, r.status, f"{r.companies_ready}/{r.target_quantity}", str(r.id)
        )
    out.print(table)


@app.command("export")
def export_cmd(
    run_id: Annotated[str, typer.Argument()],
    out_dir: Annotated[Path, typer.Option("--out")] = Path("exports"),
    fmt: Annotated[str, typer.Option("--format", help="csv, json or xlsx")] = "csv",
) -> None:
    """Write the companies and contacts files of a run."""

    async def go() -> dict[str, str]:
        async with open_store(cli_settings()) as (store, _):
            return await export_mod.export_run(store, run_id, out_dir, fmt)

    paths = run_async(go)
    out.print(f"companies: {paths['companies']}\ncontacts:  {paths['contacts']}")


# -- decisions, delivery ---------------------------------------------------------------------------
DECIDE_ACTIONS = (
    "expand-location",
    "loosen-pms",
    "lower-units",
    "accept-partial",
    "accept-without-contacts",
    "continue",
    "raise-budget",
)


@app.command("decide")
def decide_cmd(
    run_id: Annotated[str, typer.Argument()],
    action: Annotated[str, typer.Argument(help=" | ".join(DECIDE_ACTIONS))],
    value: Annotated[int | None, typer.Argument(help="lower-units: the new minimum")] = None,
    cities: Annotated[str | None, typer.Option("--cities", help="expand-location: cities to add, A,B")] = None,
    radius: Annotated[int | None, typer.Option("--radius", help="expand-location: metro radius in miles")] = None,
    pms: Annotated[str | None, typer.Option("--pms", help="loosen-pms: vendors to allow, a,b (default any)")] = None,
    usd: Annotated[float | None, typer.Option("--usd", min=0, help="raise-budget: the run's new dollar cap")] = None,
    llm_requests: Annotated[
        int | None, typer.Option("--llm-requests", min=0, help="raise-budget: the run's new LLM request cap")
    ] = None,
    no_wait: Annotated[bool, typer.Option("--no-wait", help="Record the decision; workers do the rest.")] = False,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="In-process worker concurrency.")] = 4,
    out_dir: Annotated[Path, typer.Option("--out", help="Where exports go.")] = Path("exports"),
) -> None:
    """Answer a run that needs a decision; it resumes where it stopped (and, unless --no-wait, is worked here)."""
    from leadscout.pipeline.decisions import Decision, decide

    if action not in DECIDE_ACTIONS:
        raise UserError(f"unknown decision {action!r}; use one of: {', '.join(DECIDE_ACTIONS)}")
    decision = Decision(
        action=action.replace("-", "_"),  # type: ignore[arg-type]
        cities=split_commas(cities),
        radius_miles=radius,
        pms=[p.lower() for p in split_commas(pms)],
        units_min=value,
        max_usd=usd,
        max_llm_requests=llm_requests,
    )
    settings = cli_settings()

    async def go() -> RunSummary:
        async with open_store(settings) as (store, dsn):
            run = await decide(store, run_id, decision)
            out.print(f"[bold]Run {run.id}[/]: {action} recorded; the run is {run.stage.value}/{run.status.value}")
            if no_wait:
                return await summarize(store, run.id)
            with sandbox_for(run.options) as wire:
                return await _work_until_settled(wire(settings), store, dsn, run.id, concurrency, out_dir, out.print)

    run_async(go)


@app.command("cancel")
def cancel_cmd(run_id: Annotated[str, typer.Argument()]) -> None:
    """Cancel a run that is working or waiting for a decision."""
    from leadscout.pipeline.runs import cancel_run

    async def go() -> Any:
        async with open_store(cli_settings()) as (store, _):
            return await cancel_run(store, run_id)

    run = run_async(go)
    out.print(f"run {run.id} is {run.status.value}")
