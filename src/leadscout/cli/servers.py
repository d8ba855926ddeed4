"""``leadscout serve`` and ``leadscout mcp``: the dashboard and REST API, and the MCP server."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Annotated

import typer

from leadscout.cli.common import (
    SandboxWorkers,
    SeedOption,
    StyleOption,
    app,
    cli_settings,
    err,
    language_model,
    open_store,
    run_async,
    sandbox_for,
    sandbox_style,
)
from leadscout.errors import UserError


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (beyond loopback a token is required).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    workers: SandboxWorkers = 2,
    sandbox: Annotated[bool, typer.Option("--sandbox", help="Runs started here research the sandbox web.")] = False,
    seed: SeedOption = 7,
    style: StyleOption = "classic",
    out_dir: Annotated[Path, typer.Option("--out", help="Where exports are written.")] = Path("exports"),
) -> None:
    """Serve the dashboard and the REST API (/api/v1, OpenAPI at /openapi.json)."""
    import uvicorn

    from leadscout.api.app import ServerConfig, check_exposure
    from leadscout.serving import check_port
    from leadscout.web.app import create_app

    check_port(host, port)
    with sandbox_for({"sandbox": {"seed": seed, "style": sandbox_style(style)}} if sandbox else {}) as wire:
        settings = wire(cli_settings())
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
    workers: SandboxWorkers = 2,
    sandbox: Annotated[bool, typer.Option("--sandbox", help="Runs research the sandbox web.")] = False,
    seed: SeedOption = 7,
    style: StyleOption = "classic",
    out_dir: Annotated[Path, typer.Option("--out", help="Where the export tool writes files.")] = Path("exports"),
) -> None:
    """Serve leadscout to MCP clients: start_run, get_run, list_companies, list_contacts, get_evidence,
    events, decide, cancel, export."""
    if transport not in ("stdio", "http"):
        raise UserError(f"unknown --transport {transport!r}; use stdio or http")
    if transport == "http":
        from leadscout.serving import check_port

        check_port(host, port)

    async def go() -> None:
        from leadscout.mcp.server import build_server
        from leadscout.workers.runner import WorkerConfig, run_worker_supervised

        with sandbox_for({"sandbox": {"seed": seed, "style": sandbox_style(style)}} if sandbox else {}) as wire:
            settings = wire(cli_settings())
            exports = settings.exports_dir or out_dir
            async with open_store(settings) as (store, dsn):
                server = build_server(
                    store,
                    batch_size=settings.batch_size,
                    exports_dir=exports,
                    sandbox_seed=seed if sandbox else None,
                    sandbox_style=style,
                    llm=language_model(settings),
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

    run_async(go)
