"""``leadscout extract``: what every reader finds in one page, so a user can see why a company was
accepted or rejected. The core is :func:`leadscout.research.read.inspect.inspect_page`."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from leadscout.cli.common import app, print_json
from leadscout.errors import UserError
from leadscout.research.read.inspect import PageReport, fetch_page, inspect_page

out = Console(soft_wrap=True)


@app.command("extract")
def extract_cmd(
    source: Annotated[str, typer.Argument(help="An HTML or text FILE, a URL, or - for standard input.")] = "-",
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="The page's address, to resolve its relative links.")
    ] = None,
    company: Annotated[
        str | None, typer.Option("--company", help="The company's name: its own claims also count by name.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Show what each reader finds in one page or text: units, people, PMS, HQ, served areas."""
    url, body = _read_source(source, base_url)
    report = inspect_page(body, url=url, company=company)
    if json_out:
        print_json(report.model_dump(mode="json"))
    else:
        _print(report)


def _read_source(source: str, base_url: str | None) -> tuple[str, str]:
    if source == "-":
        return base_url or "", sys.stdin.read()
    if source.startswith(("http://", "https://")):
        return source, asyncio.run(fetch_page(source))
    path = Path(source)
    if not path.is_file():
        raise UserError(f"{source}: no such file (give a file, a http(s):// URL, or - for standard input)")
    try:
        return base_url or path.resolve().as_uri(), path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UserError(f"{source}: cannot be read ({exc.strerror})") from None


def _print(report: PageReport) -> None:
    table = Table(title=f"What the readers find in {report.url or 'the input'}", show_lines=True)
    table.add_column("reader")
    table.add_column("found")
    table.add_column("evidence", overflow="fold")
    units = report.units
    table.add_row(
        "units",
        f"{units.qualifier} {units.low}" + (f"-{units.high}" if units.high and units.high != units.low else "")
        if units
        else "nothing stated",
        report.units_quote or "",
    )
    for person in report.people or []:
        table.add_row("person", f"{person.full_name}, {person.title or '(no title)'}", person.email or "")
    for pms in report.pms:
        table.add_row("PMS", f"{pms.vendor} ({pms.tier})", pms.url or pms.quote)
    hq = report.hq
    table.add_row("HQ", f"{hq.city}, {hq.state}" if hq else "not found", hq.quote if hq else "")
    table.add_row("served areas", ", ".join(report.service_areas) or "none stated", "")
    table.add_row("emails", ", ".join(report.emails) or "none", "")
    out.print(table)
