"""``leadscout webhooks``: the endpoints runs send signed events to; rotate a secret."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from leadscout.cli.common import app, cli_settings, err, open_store, out, parse_uuid, print_json, run_async
from leadscout.errors import NotFound
from leadscout.webhooks.signing import check_secret, new_secret

webhooks_app = typer.Typer(
    help="Webhook endpoints: where runs send signed events (Standard Webhooks).", invoke_without_command=True
)
app.add_typer(webhooks_app, name="webhooks")


@webhooks_app.callback()
def webhooks_list(ctx: typer.Context, json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List webhook endpoints with how many events were sent, wait, or failed (never their secrets)."""
    if ctx.invoked_subcommand:
        return

    async def go() -> list[Any]:
        async with open_store(cli_settings()) as (store, _):
            return await store.list_webhook_endpoints()

    rows = run_async(go)
    if json_out:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table("created", "url", "sent", "waiting", "failed", "rotated")
    table.add_column("endpoint", no_wrap=True, min_width=36)
    for r in rows:
        rotated = f"{r.rotated_at:%Y-%m-%d %H:%M}" if r.rotated_at else ""
        table.add_row(
            f"{r.created_at:%Y-%m-%d %H:%M}", r.url, str(r.sent), str(r.waiting), str(r.failed), rotated, str(r.id)
        )
    out.print(table)


@webhooks_app.command("rotate")
def webhooks_rotate(
    endpoint_id: Annotated[str, typer.Argument(help="The endpoint (see `leadscout webhooks`).")],
    secret: Annotated[
        str | None,
        typer.Option("--secret", envvar="LEADSCOUT_WEBHOOK_SECRET", help="The new whsec_... secret (default: made)."),
    ] = None,
) -> None:
    """Give an endpoint a new secret. Until the next rotation each event carries two signatures, one
    with the new secret and one with the old, so a receiver can switch over without missing any."""
    fresh = check_secret(secret) if secret else new_secret()

    async def go() -> bool:
        async with open_store(cli_settings()) as (store, _):
            return await store.rotate_webhook_secret(parse_uuid(endpoint_id), fresh)

    if not run_async(go):
        raise NotFound(f"no webhook endpoint {endpoint_id}; `leadscout webhooks` lists them")
    err.print("secret rotated; events now carry a signature with each of the new and the previous secret")
    if not secret:
        out.print(fresh)
