"""``leadscout hubspot``: push runs, sync suppression."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import typer

from leadscout.cli.common import (
    app,
    cli_settings,
    open_store,
    out,
    print_json,
    run_async,
)
from leadscout.config import Settings
from leadscout.errors import ConfigError

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

    settings = cli_settings()

    async def go() -> Any:
        async with open_store(settings) as (store, _), _hubspot(settings) as hubspot:
            return await push_run(store, hubspot, run_id)

    report = run_async(go)
    if json_out:
        print_json(report.model_dump())
    else:
        out.print(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in report.model_dump().items()))


@hubspot_app.command("sync-suppression")
def hubspot_sync(
    days: Annotated[int, typer.Option("--days", min=1, max=3650, help="Contacted within this many days.")] = 90,
) -> None:
    """Suppress HubSpot customers and companies contacted in the last N days."""
    from leadscout.crm.hubspot import sync_suppression

    settings = cli_settings()

    async def go() -> Any:
        async with open_store(settings) as (store, _), _hubspot(settings) as hubspot:
            return await sync_suppression(store, hubspot, days)

    report = run_async(go)
    out.print(
        f"{report.customers} customers, {report.recently_contacted} contacted in {days} days: "
        f"{report.added} newly suppressed"
    )
