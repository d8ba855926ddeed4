"""``leadscout outbox``: notifications waiting to be sent, and sent ones."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from leadscout.cli.common import (
    app,
    cli_settings,
    open_store,
    out,
    parse_uuid,
    print_json,
    run_async,
)
from leadscout.errors import ConfigError, NotFound

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
        async with open_store(cli_settings()) as (store, _):
            return await store.list_outbox(parse_uuid(run_id) if run_id else None)

    rows = run_async(go)
    if json_out:
        print_json([r.model_dump(mode="json") for r in rows])
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

    settings = cli_settings()
    if mailer(settings) is None:
        raise ConfigError("SMTP_HOST is not set: nothing to send with")

    async def go() -> str:
        async with open_store(settings) as (store, _):
            mid = parse_uuid(message_id)
            recipients = delivery(settings).recipients
            if not await store.release_outbox(mid, recipients):
                raise NotFound(f"no unsent notification {mid}; `leadscout outbox` lists them")
            return await send_notification(store, mailer(settings), mid)

    out.print(run_async(go))
