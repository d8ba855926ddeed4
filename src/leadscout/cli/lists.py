"""``leadscout directory`` and ``leadscout suppress``: the companies we know and the domains never delivered."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from leadscout.cli.common import (
    app,
    cli_settings,
    err,
    open_store,
    out,
    print_json,
    run_async,
)
from leadscout.domains import InvalidDomain, registrable_domain
from leadscout.errors import UserError
from leadscout.pipeline.directory import import_file, read_domain_list

directory_app = typer.Typer(help="The research directory of known companies.", no_args_is_help=True)
suppress_app = typer.Typer(help="Suppressed (blocked) domains: never delivered.", no_args_is_help=True)
app.add_typer(directory_app, name="directory")
app.add_typer(suppress_app, name="suppress")


@directory_app.command("import")
def directory_import(
    file: Annotated[Path, typer.Argument(help="CSV or JSON file of companies.")],
    source: Annotated[str | None, typer.Option(help="Source label stored with each row.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Load known companies (name, domain/website, city, state, pms, units, optional contact)."""

    async def go() -> Any:
        async with open_store(cli_settings()) as (store, _):
            return await import_file(store, file, source=source)

    report = run_async(go)
    if json_out:
        print_json(report.__dict__)
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
        async with open_store(cli_settings()) as (store, _):
            return sum([await store.add_blocked_domain(d, reason, "cli") for d in normalised])

    added = run_async(go)
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
        async with open_store(cli_settings()) as (store, _):
            return sum([await store.add_blocked_domain(d, reason, f"import:{file.name}") for d in good])

    added = run_async(go)
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
        async with open_store(cli_settings()) as (store, _):
            return await store.list_blocked_domains(limit=limit)

    rows = run_async(go)
    if json_out:
        print_json(rows)
        return
    for row in rows:
        out.print(f"{row['domain']}  [dim]{row['reason']} ({row['source']})[/]")


@suppress_app.command("remove")
def suppress_remove(domains: Annotated[list[str], typer.Argument()]) -> None:
    """Lift suppressions."""
    normalised = _domains(domains)

    async def go() -> int:
        async with open_store(cli_settings()) as (store, _):
            return sum([await store.remove_blocked_domain(d) for d in normalised])

    out.print(f"{run_async(go)} removed")
