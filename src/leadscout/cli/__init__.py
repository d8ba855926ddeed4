"""The ``leadscout`` command: parse flags, call the Python API, print. No SQL here.

Every user mistake ends as one red line and exit code 2; ``-v`` shows tracebacks.
``--json`` output is stable (documented in the README): scripts parse it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar
from uuid import UUID

import psycopg
import psycopg_pool
import typer
from procrastinate.exceptions import ConnectorException as ProcrastinateConnectorError
from rich.console import Console
from rich.table import Table

from leadscout import logs
from leadscout.config import Settings, load_settings
from leadscout.db import migrate, outage
from leadscout.db.connection import describe_dsn, open_pool, resolve_dsn
from leadscout.db.store import Store
from leadscout.errors import ConfigError, LeadscoutError, NotFound, UserError
from leadscout.models import Status
from leadscout.pipeline import export as export_mod
from leadscout.pipeline.directory import import_file, read_domain_list
from leadscout.pipeline.launch import Launch, Prepared, prepare, start
from leadscout.pipeline.runs import RunSummary, summarize
from leadscout.research.domains import InvalidDomain, registrable_domain

T = TypeVar("T")
app = typer.Typer(
    help="Verified B2B lead lists of US property-management companies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database: migrations, grants, the embedded server.", no_args_is_help=True)
directory_app = typer.Typer(help="The research directory of known companies.", no_args_is_help=True)
suppress_app = typer.Typer(help="Suppressed (blocked) domains: never delivered.", no_args_is_help=True)
workers_app = typer.Typer(help="Worker health: active and dead workers, stats, stop.", invoke_without_command=True)
app.add_typer(db_app, name="db")
app.add_typer(directory_app, name="directory")
app.add_typer(suppress_app, name="suppress")
app.add_typer(workers_app, name="workers")

out = Console(soft_wrap=True)  # paths and ids are printed whole, never broken across lines
err = Console(stderr=True, soft_wrap=True)  # an error line is never broken mid-path
STATE: dict[str, Any] = {"verbose": False}
log = logging.getLogger("leadscout.cli")


@app.callback()
def _root(
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Show debug logs and tracebacks.")] = False,
) -> None:
    STATE["verbose"] = verbose
    logs.setup(verbose=verbose)


# -- plumbing ----------------------------------------------------------------------------
def _settings(**overrides: object) -> Settings:
    return load_settings(**overrides)


@asynccontextmanager
async def _store(settings: Settings, *, upgrade: bool = True) -> AsyncIterator[tuple[Store, str]]:
    dsn = resolve_dsn(settings)
    if upgrade:
        await asyncio.to_thread(migrate.upgrade, dsn)
    pool = open_pool(dsn, settings, max_size=4)
    try:
        await pool.open(wait=True, timeout=30)
    except Exception as exc:
        raise LeadscoutError(f"cannot connect to the database at {describe_dsn(dsn)}: {exc}") from None
    try:
        yield Store(pool), dsn
    finally:
        await pool.close()


def _run(coro_fn: Callable[[], Awaitable[T]]) -> T:
    return asyncio.run(coro_fn())  # type: ignore[arg-type]


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _uuid_or_raise(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise UserError(f"{value!r} is not an id (a UUID)") from None


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, default=str) + "\n")


# -- db ----------------------------------------------------------------------------------
@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations (idempotent; safe from many processes at once)."""
    settings = _settings()
    dsn = resolve_dsn(settings)
    applied = migrate.upgrade(dsn)
    out.print(f"applied: {', '.join(applied)}" if applied else "database is up to date")


@db_app.command("status")
def db_status() -> None:
    """List migrations and whether each is applied."""
    dsn = resolve_dsn(_settings())
    out.print(f"database: {describe_dsn(dsn)}")
    for name, done in migrate.status(dsn):
        out.print(f"  {'[green]applied[/]' if done else '[yellow]pending[/]'}  {name}")


@db_app.command("grant")
def db_grant(
    role: Annotated[str, typer.Argument(help="A PostgreSQL role.")],
    create: Annotated[bool, typer.Option("--create", help="Create the role (LOGIN, no password) if missing.")] = False,
) -> None:
    """Grant a least-privilege role exactly what workers need (the seed's migration 004)."""
    dsn = resolve_dsn(_settings())
    migrate.upgrade(dsn)
    migrate.grant(dsn, role, create=create)
    out.print(f"granted worker privileges to {role}")


@db_app.command("url")
def db_url() -> None:
    """Print the DSN leadscout uses (starting the embedded server if needed)."""
    out.print(describe_dsn(resolve_dsn(_settings())), soft_wrap=True)


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL server (no-op with DATABASE_URL)."""
    from leadscout.db import embedded
    from leadscout.db.connection import data_dir

    settings = _settings()
    if settings.database_url:
        raise UserError("DATABASE_URL is set: leadscout does not manage that server")
    out.print("stopped" if embedded.stop(data_dir(settings) / "pg") else "not running")


# -- directory and suppression --------------------------------------------------------------
@directory_app.command("import")
def directory_import(
    file: Annotated[Path, typer.Argument(help="CSV or JSON file of companies.")],
    source: Annotated[str | None, typer.Option(help="Source label stored with each row.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Load known companies (name, domain/website, city, state, pms, units, optional contact)."""

    async def go() -> Any:
        async with _store(_settings()) as (store, _):
            return await import_file(store, file, source=source)

    report = _run(go)
    if json_out:
        _print_json(report.__dict__)
        return
    out.print(
        f"{report.rows} rows: {report.companies_added} companies added, "
        f"{report.companies_updated} updated, {report.contacts_added} contacts added, "
        f"{len(report.errors)} rejected"
    )
    for line in report.errors[:20]:
        err.print(f"  [yellow]{line}[/]")
    if len(report.errors) > 20:
        err.print(f"  ... and {len(report.errors) - 20} more")


def _domains(values: list[str]) -> list[str]:
    try:
        return [registrable_domain(v) for v in values]
    except InvalidDomain as exc:
        raise UserError(str(exc)) from None


@suppress_app.command("add")
def suppress_add(
    domains: Annotated[list[str], typer.Argument(help="Domains or URLs to suppress.")],
    reason: Annotated[str, typer.Option(help="Why (customer, recently_contacted, manual...).")] = "manual",
) -> None:
    """Suppress domains: they are never delivered."""
    normalised = _domains(domains)

    async def go() -> int:
        async with _store(_settings()) as (store, _):
            return sum([await store.add_blocked_domain(d, reason, "cli") for d in normalised])

    added = _run(go)
    out.print(f"{added} added, {len(normalised) - added} already suppressed")


@suppress_app.command("import")
def suppress_import(
    file: Annotated[
        Path, typer.Argument(help="A text file (one domain per line) or a CSV with a domain/website column.")
    ],
    reason: Annotated[str, typer.Option()] = "import",
) -> None:
    """Suppress every domain in a file; bad lines are reported, not fatal."""
    good, bad = [], []
    for number, value in enumerate(read_domain_list(file), start=1):
        if not value or value.startswith("#"):
            continue
        try:
            good.append(registrable_domain(value))
        except InvalidDomain as exc:
            bad.append(f"line {number}: {exc}")

    async def go() -> int:
        async with _store(_settings()) as (store, _):
            return sum([await store.add_blocked_domain(d, reason, f"import:{file.name}") for d in good])

    added = _run(go)
    out.print(f"{added} added, {len(good) - added} already suppressed, {len(bad)} rejected")
    for line in bad[:20]:
        err.print(f"  [yellow]{line}[/]")


@suppress_app.command("list")
def suppress_list(
    json_out: Annotated[bool, typer.Option("--json")] = False,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 1000,
) -> None:
    """List suppressed domains."""

    async def go() -> list[dict[str, Any]]:
        async with _store(_settings()) as (store, _):
            return await store.list_blocked_domains(limit=limit)

    rows = _run(go)
    if json_out:
        _print_json(rows)
        return
    for row in rows:
        out.print(f"{row['domain']}  [dim]{row['reason']} ({row['source']})[/]")


@suppress_app.command("remove")
def suppress_remove(domains: Annotated[list[str], typer.Argument()]) -> None:
    """Lift suppressions."""
    normalised = _domains(domains)

    async def go() -> int:
        async with _store(_settings()) as (store, _):
            return sum([await store.remove_blocked_domain(d) for d in normalised])

    out.print(f"{_run(go)} removed")


# -- runs ---------------------------------------------------------------------------------------
@app.command("run")
def run_cmd(
    request: Annotated[
        str | None, typer.Argument(help='e.g. "25 AppFolio property managers in Austin, TX with 100+ units"')
    ] = None,
    city: Annotated[list[str] | None, typer.Option("--city", help="City (repeat for several).")] = None,
    state: Annotated[str | None, typer.Option("--state", help="US state: TX or Texas.")] = None,
    pms: Annotated[list[str] | None, typer.Option("--pms", help="PMS vendor (repeat: any of).")] = None,
    units_min: Annotated[int | None, typer.Option("--units-min")] = None,
    units_max: Annotated[int | None, typer.Option("--units-max")] = None,
    quantity: Annotated[int | None, typer.Option("-n", "--quantity", help="Companies wanted (1-1000).")] = None,
    contacts_min: Annotated[int | None, typer.Option("--contacts-min")] = None,
    contacts_max: Annotated[int | None, typer.Option("--contacts-max")] = None,
    batch_size: Annotated[
        int | None,
        typer.Option("--batch-size", help="Companies per discovery batch (LEAD_LIST_BATCH_SIZE, default 10)."),
    ] = None,
    no_wait: Annotated[bool, typer.Option("--no-wait", help="Create the run and return; workers do the rest.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object (stable fields).")] = False,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="In-process worker concurrency.")] = 4,
    out_dir: Annotated[Path, typer.Option("--out", help="Where exports go.")] = Path("exports"),
    sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Research the generated sandbox web (no keys needed).")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Sandbox world seed.")] = 7,
    style: Annotated[
        str, typer.Option("--style", help="Sandbox style: classic | wild (sites built like real ones).")
    ] = ("classic"),
    source: Annotated[
        str,
        typer.Option("--source", help="auto | directory | web | all (all: the directory first, then the web)"),
    ] = "auto",
    geo: Annotated[
        str | None, typer.Option("--geo", help="city: the named cities only; metro: also nearby cities")
    ] = None,
    radius: Annotated[int | None, typer.Option("--radius", help="Metro radius in miles (default 30).")] = None,
    strategy: Annotated[
        str, typer.Option("--strategy", help="auto | agent | rules (auto: agent when an LLM is configured)")
    ] = "auto",
    preview: Annotated[
        bool, typer.Option("--preview", help="Verify about 10 candidates, show the projected cost, then ask.")
    ] = False,
    max_usd: Annotated[float | None, typer.Option("--max-usd", min=0, help="Dollar cap for this run.")] = None,
    max_llm_requests: Annotated[
        int | None, typer.Option("--max-llm-requests", min=0, help="LLM request cap for this run.")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Start without asking to confirm the criteria.")] = False,
) -> None:
    """Create a lead-list run; unless --no-wait, work it to the end here and export it."""
    launch = Launch.parse(
        request=request,
        quantity=quantity,
        state=state,
        cities=city or [],
        pms=pms or [],
        units_min=units_min,
        units_max=units_max,
        contacts_min=contacts_min,
        contacts_max=contacts_max,
        geo_scope=geo,
        radius_miles=radius,
        source=source,
        strategy=strategy,
        preview=preview,
        max_usd=max_usd,
        max_llm_requests=max_llm_requests,
    )
    settings = _settings(batch_size=batch_size)
    ask = not (yes or json_out or no_wait) and sys.stdin.isatty()
    request_ = RunRequest(
        launch, seed if sandbox else None, no_wait, json_out, concurrency, out_dir, ask, _style(style)
    )
    summary = _run(lambda: _run_and_follow(settings, request_))
    if json_out:
        _print_json(summary.model_dump(mode="json"))
    if summary.status == Status.FAILED.value:
        raise typer.Exit(1)


def _language_model(settings: Settings) -> Any:
    from leadscout.workers.runner import language_model

    return language_model(settings)


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


def _style(style: str) -> str:
    from leadscout.sandbox.world import STYLES

    if style not in STYLES:
        raise UserError(f"unknown --style {style!r}; use one of: {', '.join(STYLES)}")
    return style


@contextmanager
def _sandbox_for(options: dict[str, Any], wanted: bool = True) -> Iterator[None]:
    """Serve the run's sandbox world while in-process workers research it."""
    if "sandbox" not in options or not wanted:
        yield
        return
    from leadscout.sandbox.server import SandboxServer

    with SandboxServer(seed=options["sandbox"]["seed"], style=options["sandbox"].get("style", "classic")) as server:
        os.environ.update(server.env())  # the in-process workers fetch through the sandbox proxy
        yield


async def _run_and_follow(settings: Settings, req: RunRequest) -> RunSummary:
    async with _store(settings) as (store, dsn):
        prepared = await prepare(
            store,
            req.launch,
            llm=_language_model(settings),
            sandbox_seed=req.sandbox_seed,
            sandbox_style=req.sandbox_style,
        )
        _confirm(prepared, ask=req.ask)
        with _sandbox_for(prepared.options, not req.no_wait):
            run = await start(store, prepared, batch_size=settings.batch_size)
            say = (lambda *a, **k: None) if req.json_out else out.print
            say(f"[bold]Run {run.id}[/]: {prepared.understood.criteria.describe()}")
            if req.no_wait:
                if "sandbox" in prepared.options:
                    say(
                        "queued; run `leadscout sandbox serve`, export the variables it prints, then `leadscout worker`"
                    )
                else:
                    say("queued; start workers with `leadscout worker` and follow with `leadscout status`")
                return await summarize(store, run.id)
            return await _work_until_settled(settings, store, dsn, run.id, req.concurrency, req.out_dir, say)


async def _work_until_settled(
    settings: Settings, store: Store, dsn: str, run_id: Any, concurrency: int, out_dir: Path, say: Callable[..., None]
) -> RunSummary:
    """Work a run with in-process workers until it completes, fails or needs a decision."""
    from leadscout.workers.runner import WorkerConfig, run_worker_supervised

    async def finished() -> bool:
        current = await store.get_run(run_id)
        if current is not None and current.status == Status.ACTIVE:
            return False
        # a completed run's notification is sent before the in-process workers stop
        return all(m.status not in ("pending", "sending") for m in await store.list_outbox(run_id))

    progress = asyncio.create_task(_follow(store, run_id, say))
    # read the environment again: a sandbox started after `settings` set its DNS, SMTP and proxy
    worker_settings = load_settings(
        database_url=settings.database_url,
        data_dir=settings.data_dir,
        batch_size=settings.batch_size,
        exports_dir=out_dir,
    )
    try:
        config = WorkerConfig(concurrency=concurrency, until=finished, outage_limit=settings.db_outage_grace)
        await run_worker_supervised(worker_settings, dsn, config, give_up_after=settings.db_outage_grace)
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


async def _follow(store: Store, run_id: Any, say: Callable[..., None]) -> None:
    """Print batch progress in the seed's format as the checkpoints appear."""
    started: set[int] = set()
    finished: set[int] = set()
    stage = None
    while True:
        try:
            run = await store.get_run(run_id)
            batches = await store.list_batches(run_id)
        except Exception:  # the database may be restarting; the worker reconnects too
            await asyncio.sleep(0.5)
            continue
        target = run.target_quantity if run else 0
        before = 0
        for b in batches:
            if b.batch_no not in started:
                started.add(b.batch_no)
                say(f"\n[{b.started_at.astimezone():%H:%M:%S}] Batch {b.batch_no}:")
                say(f"  Progress: {before}/{target} companies")
                say(f"  Remaining: {target - before}")
                say("  🔄 Processing batch...")
            if b.status == "done" and b.batch_no not in finished:
                finished.add(b.batch_no)
                say(f"  ✅ Batch complete: Found {b.found} companies in {b.seconds or 0:.1f}s")
                say(f"  Progress: {before + b.found}/{target} companies")
            before += b.found if b.status == "done" else 0
        if run and run.stage != stage:
            if stage is not None:
                say(f"[{datetime.now():%H:%M:%S}] Stage: {run.stage.value}")
            stage = run.stage
        await asyncio.sleep(0.25)


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
        async with _store(_settings()) as (store, _):
            return await summarize(store, run_id)

    summary = _run(go)
    if json_out:
        _print_json(summary.model_dump(mode="json"))
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

    async def go() -> list[dict[str, Any]]:
        async with _store(_settings()) as (store, _):
            return await store.list_runs(status=status, limit=limit)

    rows = _run(go)
    if json_out:
        _print_json(
            [
                {k: r[k] for k in ("id", "created_at", "stage", "status", "target_quantity", "companies_ready")}
                for r in rows
            ]
        )
        return
    table = Table("created", "stage", "status", "companies")
    table.add_column("run", no_wrap=True, min_width=36)
    for r in rows:
        table.add_row(
            f"{r['created_at']:%Y-%m-%d %H:%M}",
            r["stage"],
            r["status"],
            f"{r['companies_ready']}/{r['target_quantity']}",
            str(r["id"]),
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
        async with _store(_settings()) as (store, _):
            return await export_mod.export_run(store, run_id, out_dir, fmt)

    paths = _run(go)
    out.print(f"companies: {paths['companies']}\ncontacts:  {paths['contacts']}")


# -- decisions, delivery ---------------------------------------------------------------------------
DECIDE_ACTIONS = ("expand-location", "loosen-pms", "lower-units", "accept-partial", "continue", "raise-budget")


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
        cities=_split(cities),
        radius_miles=radius,
        pms=[p.lower() for p in _split(pms)],
        units_min=value,
        max_usd=usd,
        max_llm_requests=llm_requests,
    )
    settings = _settings()

    async def go() -> RunSummary:
        async with _store(settings) as (store, dsn):
            run = await decide(store, run_id, decision)
            out.print(f"[bold]Run {run.id}[/]: {action} recorded; the run is {run.stage.value}/{run.status.value}")
            if no_wait:
                return await summarize(store, run.id)
            with _sandbox_for(run.options):
                return await _work_until_settled(settings, store, dsn, run.id, concurrency, out_dir, out.print)

    _run(go)


outbox_app = typer.Typer(help="Notifications waiting to be sent, and sent ones.", invoke_without_command=True)
app.add_typer(outbox_app, name="outbox")


@outbox_app.callback()
def outbox_list(
    ctx: typer.Context,
    run_id: Annotated[str | None, typer.Option("--run", help="Only this run's notifications.")] = None,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List notifications: status, attempts, last error."""
    if ctx.invoked_subcommand:
        return

    async def go() -> list[Any]:
        async with _store(_settings()) as (store, _):
            return await store.list_outbox(_uuid_or_raise(run_id) if run_id else None)

    rows = _run(go)
    if json_out:
        _print_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table("created", "status", "attempts", "to", "subject", "last error")
    for r in rows:
        table.add_row(
            f"{r.created_at:%Y-%m-%d %H:%M}",
            r.status,
            str(r.attempts),
            ", ".join(r.recipients),
            r.subject,
            r.last_error,
        )
    out.print(table)


@outbox_app.command("send")
def outbox_send(message_id: Annotated[str, typer.Argument()]) -> None:
    """Send one notification now (SMTP_HOST, SMTP_PORT...), e.g. a held one after configuring SMTP."""
    from leadscout.pipeline.delivery import send_notification
    from leadscout.workers.runner import delivery, mailer

    settings = _settings()
    if mailer(settings) is None:
        raise ConfigError("SMTP_HOST is not set: nothing to send with")

    async def go() -> str:
        async with _store(settings) as (store, _):
            mid = _uuid_or_raise(message_id)
            recipients = delivery(settings).recipients
            if not await store.release_outbox(mid, recipients):
                raise NotFound(f"no unsent notification {mid}; `leadscout outbox` lists them")
            return await send_notification(store, mailer(settings), mid)

    out.print(_run(go))


hubspot_app = typer.Typer(help="HubSpot: push runs, sync suppression (HUBSPOT_ACCESS_TOKEN).", no_args_is_help=True)
app.add_typer(hubspot_app, name="hubspot")


@asynccontextmanager
async def _hubspot(settings: Settings) -> AsyncIterator[Any]:
    import httpx

    from leadscout.crm.hubspot import HubSpot

    if settings.hubspot_token is None or not settings.hubspot_token.get_secret_value():
        raise ConfigError("HUBSPOT_ACCESS_TOKEN is not set (a HubSpot private-app token)")
    async with httpx.AsyncClient(timeout=30) as client:
        yield HubSpot(client, settings.hubspot_token.get_secret_value(), settings.hubspot_api_base)


@hubspot_app.command("push")
def hubspot_push(
    run_id: Annotated[str, typer.Argument()], json_out: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Upsert a run's companies (by domain) and contacts (by email) with associations; safe to repeat."""
    from leadscout.crm.hubspot import push_run

    settings = _settings()

    async def go() -> Any:
        async with _store(settings) as (store, _), _hubspot(settings) as hubspot:
            return await push_run(store, hubspot, run_id)

    report = _run(go)
    if json_out:
        _print_json(report.model_dump())
    else:
        out.print(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in report.model_dump().items()))


@hubspot_app.command("sync-suppression")
def hubspot_sync(
    days: Annotated[int, typer.Option("--days", min=1, max=3650, help="Contacted within this many days.")] = 90,
) -> None:
    """Suppress HubSpot customers and companies contacted in the last N days."""
    from leadscout.crm.hubspot import sync_suppression

    settings = _settings()

    async def go() -> Any:
        async with _store(settings) as (store, _), _hubspot(settings) as hubspot:
            return await sync_suppression(store, hubspot, days)

    report = _run(go)
    out.print(
        f"{report.customers} customers, {report.recently_contacted} contacted in {days} days: "
        f"{report.added} newly suppressed"
    )


bench_app = typer.Typer(help="Benchmarks on the sandbox web.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")


@bench_app.command("baseline")
def bench_baseline(
    json_out: Annotated[
        bool, typer.Option("--json", help="Also print one JSON summary object as the last line.")
    ] = False,
    out: Annotated[Path, typer.Option("--out", help="The report to write.")] = Path("PERFORMANCE_BASELINE.md"),
    workers: Annotated[str, typer.Option("--workers", help="Worker process counts to compare, e.g. 1,2,4")] = "1,2,4",
    runs: Annotated[int, typer.Option("--runs", min=1, max=48, help="Runs in the throughput workload")] = 16,
    quantity: Annotated[int, typer.Option("--quantity", min=1, max=50, help="Companies per throughput run")] = 3,
    style: Annotated[str, typer.Option("--style", help="classic, wild or both (the default)")] = "both",
) -> None:
    """Measure throughput with 1, 2 and 4 workers, efficiency, orchestration overhead, peak RSS and the
    seed's 25-company run on the sandbox web with injected tool latency; write PERFORMANCE_BASELINE.md."""
    from leadscout import bench

    try:
        counts = [int(w) for w in _split(workers)]
    except ValueError:
        raise UserError(f"--workers takes numbers such as 1,2,4, not {workers!r}") from None
    styles = ["classic", "wild"] if style == "both" else [_style(style)]
    cfg = bench.BenchConfig(workers=counts, runs=runs, quantity=quantity, styles=styles)
    result = _run(lambda: bench.baseline(cfg, progress=lambda m: err.print(m)))
    bench.write(result, out)
    err.print(f"wrote {out} and {out.with_suffix('.json')}")
    if json_out:
        _print_json(result.summary())
    else:
        sys.stdout.write(out.read_text())


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (beyond loopback a token is required).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", min=0, max=64, help="In-process worker concurrency (0: none)")
    ] = 2,
    sandbox: Annotated[bool, typer.Option("--sandbox", help="Runs started here research the sandbox web.")] = False,
    seed: Annotated[int, typer.Option("--seed", help="Sandbox world seed.")] = 7,
    style: Annotated[str, typer.Option("--style", help="Sandbox style: classic | wild.")] = "classic",
    out_dir: Annotated[Path, typer.Option("--out", help="Where exports are written.")] = Path("exports"),
) -> None:
    """Serve the dashboard and the REST API (/api/v1, OpenAPI at /openapi.json)."""
    import uvicorn

    from leadscout.api.app import ServerConfig, check_exposure, create_app

    with _sandbox_for({"sandbox": {"seed": seed, "style": _style(style)}} if sandbox else {}):
        settings = _settings()  # after the sandbox set its environment
        token = (settings.api_token.get_secret_value() if settings.api_token else "") or None
        config = ServerConfig(
            settings=settings,
            host=host,
            workers=workers,
            sandbox_seed=seed if sandbox else None,
            sandbox_style=style,
            exports_dir=settings.exports_dir or out_dir,
            token=token,
        )
        check_exposure(config)
        err.print(
            f"leadscout on http://{host}:{port}/ (API /api/v1, docs /api/docs)"
            + (" on the sandbox web" if sandbox else "")
        )
        # log_config=None: uvicorn logs through ours (one line on stderr, tracebacks in the log file)
        uvicorn.run(create_app(config), host=host, port=port, log_config=None, access_log=False)


@app.command("mcp")
def mcp_cmd(
    transport: Annotated[str, typer.Option("--transport", help="stdio | http (streamable HTTP)")] = "stdio",
    host: Annotated[str, typer.Option("--host", help="http: address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="http: port (the endpoint is /mcp)")] = 8765,
    workers: Annotated[
        int, typer.Option("--workers", min=0, max=64, help="In-process worker concurrency (0: none)")
    ] = 2,
    sandbox: Annotated[bool, typer.Option("--sandbox", help="Runs research the sandbox web.")] = False,
    seed: Annotated[int, typer.Option("--seed", help="Sandbox world seed.")] = 7,
    style: Annotated[str, typer.Option("--style", help="Sandbox style: classic | wild.")] = "classic",
    out_dir: Annotated[Path, typer.Option("--out", help="Where the export tool writes files.")] = Path("exports"),
) -> None:
    """Serve leadscout to MCP clients: start_run, get_run, list_companies, list_contacts, get_evidence,
    events, decide, cancel, export."""
    if transport not in ("stdio", "http"):
        raise UserError(f"unknown --transport {transport!r}; use stdio or http")

    async def go() -> None:
        from leadscout.mcp.server import build_server
        from leadscout.workers.runner import WorkerConfig, run_worker_supervised

        with _sandbox_for({"sandbox": {"seed": seed, "style": _style(style)}} if sandbox else {}):
            settings = _settings()  # after the sandbox set its environment
            exports = settings.exports_dir or out_dir
            async with _store(settings) as (store, dsn):
                server = build_server(
                    store,
                    batch_size=settings.batch_size,
                    exports_dir=exports,
                    sandbox_seed=seed if sandbox else None,
                    sandbox_style=style,
                    llm=_language_model(settings),
                )
                worker = None
                if workers:
                    config = WorkerConfig(concurrency=workers, install_signal_handlers=False)
                    worker = asyncio.create_task(
                        run_worker_supervised(settings.model_copy(update={"exports_dir": exports}), dsn, config)
                    )
                try:
                    if transport == "stdio":
                        await server.run_stdio_async()
                    else:
                        await server.run_streamable_http_async(host=host, port=port)
                finally:
                    if worker is not None:
                        worker.cancel()
                        with contextlib.suppress(asyncio.CancelledError, Exception):
                            await worker

    _run(go)


@app.command("cancel")
def cancel_cmd(run_id: Annotated[str, typer.Argument()]) -> None:
    """Cancel a run that is working or waiting for a decision."""
    from leadscout.pipeline.runs import cancel_run

    async def go() -> Any:
        async with _store(_settings()) as (store, _):
            return await cancel_run(store, run_id)

    run = _run(go)
    out.print(f"run {run.id} is {run.status.value}")


# -- workers ------------------------------------------------------------------------------------
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

    settings = _settings()
    dsn = resolve_dsn(settings)
    migrate.upgrade(dsn)
    wid = _run(
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
        async with _store(_settings()) as (store, _):
            return {
                "active": [w.model_dump(mode="json") for w in await store.active_workers()],
                "dead": [w.model_dump(mode="json") for w in await store.dead_workers()],
                "stats": [s.model_dump() for s in await store.worker_stats()],
            }

    data = _run(go)
    if json_out:
        _print_json(data)
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
        async with _store(_settings()) as (store, _):
            return await store.request_worker_stop(worker_id)

    if not _run(go):
        raise UserError(f"no worker {worker_id!r}; `leadscout workers` lists them")
    out.print(f"stop requested: {worker_id} stops after its current job")


# -- PMS ------------------------------------------------------------------------------------------------
pms_app = typer.Typer(help="PMS vendor fingerprints.", no_args_is_help=True)
app.add_typer(pms_app, name="pms")


@pms_app.command("classify")
def pms_classify(
    urls: Annotated[list[str], typer.Argument(help="Link URLs (portal, login, marketing...).")],
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Print the PMS vendor and evidence tier each link URL proves, or none."""
    from leadscout.research.pms import classify_url

    results = []
    for url in urls:
        match = classify_url(url)
        results.append(
            {"url": url, "vendor": match.vendor if match else None, "tier": match.tier.value if match else None}
        )
    if json_out:
        _print_json(results)
        return
    for r in results:
        verdict = f"{r['vendor']} ({r['tier']})" if r["vendor"] else "none"
        out.print(f"{r['url']}  ->  {verdict}")


# -- sandbox ------------------------------------------------------------------------------------------
sandbox_app = typer.Typer(help="The generated sandbox world.", no_args_is_help=True)
app.add_typer(sandbox_app, name="sandbox")


@sandbox_app.command("serve")
def sandbox_serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0 = any free port).")] = 8899,
    seed: Annotated[int, typer.Option(help="World seed.")] = 7,
    style: Annotated[str, typer.Option(help="classic | wild (sites built like real ones).")] = "classic",
) -> None:
    """Serve the sandbox web: search API and forward proxy on 127.0.0.1 until Ctrl-C."""
    import time

    from leadscout.sandbox.server import SandboxServer

    with SandboxServer(seed=seed, style=_style(style), port=port) as server:
        out.print(f"sandbox world (seed {seed}, {style}, {len(server.world.companies)} companies) on {server.url}")
        out.print("point workers at it with:")
        for key, value in server.env().items():
            if key.isupper():
                out.print(f"  export {key}={value}")
        out.print(f"ground truth: {server.url}/truth.json")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            out.print("stopped")


@sandbox_app.command("truth")
def sandbox_truth(
    out_file: Annotated[Path, typer.Option("--out", help="JSON file to write.")],
    seed: Annotated[int, typer.Option(help="World seed.")] = 7,
    style: Annotated[str, typer.Option(help="classic | wild: the wild truth also says what each site proves.")] = (
        "classic"
    ),
) -> None:
    """Export the ground truth of every entity of a sandbox world as JSON."""
    from leadscout.sandbox.world import build, truth

    data = truth(build(seed, style=_style(style)))
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(json.dumps(data, indent=1))
    out.print(f"{len(data['companies'])} companies written to {out_file}")  # type: ignore[arg-type]


@sandbox_app.command("directory")
def sandbox_directory(
    out_file: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    seed: Annotated[int, typer.Option(help="World seed: same seed, same world.")] = 7,
) -> None:
    """Write the sandbox world's companies and people as a directory CSV."""
    from leadscout.sandbox.world import generate, write_directory_csv

    companies = generate(seed)
    rows = write_directory_csv(companies, out_file)
    out.print(f"{rows} rows of known property managers written to {out_file}")


# -- command groups in modules of their own -------------------------------------------------------------------
def _register_modules() -> None:
    from leadscout.cli import extract

    extract.register(app, _print_json)


_register_modules()


# -- entry point ------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    try:
        app(args=argv, prog_name="leadscout")  # usage errors are printed by typer (exit 2)
    except LeadscoutError as exc:
        if STATE["verbose"]:
            err.print_exception()
        err.print(f"[red]error:[/] {exc}")
        if not isinstance(exc, UserError | ConfigError):  # not the user's mistake: keep the story
            log.error("command failed", exc_info=exc, extra=logs.FILE_ONLY)
            if where := logs.current_file():
                err.print(f"  details: {where}")
        sys.exit(exc.exit_code)
    except (psycopg.Error, psycopg_pool.PoolTimeout, ProcrastinateConnectorError) as exc:
        if STATE["verbose"]:
            err.print_exception()
        log.error("database error", exc_info=exc, extra=logs.FILE_ONLY)
        where = logs.current_file()
        if outage.is_outage(exc):
            err.print(
                f"[red]error:[/] the database is unreachable or went away: {outage.describe(exc)}\n"
                "  check that PostgreSQL is up (`leadscout db status`) and DATABASE_URL (unset: the embedded "
                "database); runs are saved and resume with `leadscout worker`"
                + (f"\n  details: {where}" if where else "")
            )
        else:
            err.print(
                f"[red]error:[/] the database refused a request: {outage.describe(exc)}\n"
                "  `leadscout db upgrade` applies missing migrations; if that does not help, please report it"
                + (f" with {where}" if where else "")
            )
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("interrupted; runs are saved and resume with `leadscout worker`")
        sys.exit(130)


if __name__ == "__main__":
    main()
