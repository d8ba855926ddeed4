"""``leadscout sandbox``: the generated sandbox world."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from leadscout.cli.common import (
    app,
    out,
    sandbox_style,
    world_day,
)
from leadscout.sandbox.world import MAX_SCALE

ScaleOption = Annotated[
    int,
    typer.Option(
        "--scale", min=1, max=MAX_SCALE, help="K times the metros, each with K times the companies (the same kinds)."
    ),
]
sandbox_app = typer.Typer(help="The generated sandbox world.", no_args_is_help=True)
app.add_typer(sandbox_app, name="sandbox")


@sandbox_app.command("serve")
def sandbox_serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0 = any free port).")] = 8899,
    seed: Annotated[int, typer.Option(help="World seed.")] = 7,
    style: Annotated[str, typer.Option(help="classic | wild (sites built like real ones).")] = "classic",
    day: Annotated[int, typer.Option("--world-day", help="The world N days on (0: the seed's world).")] = 0,
    scale: ScaleOption = 1,
) -> None:
    """Serve the sandbox web: search API and forward proxy on 127.0.0.1 until Ctrl-C."""
    import time

    from leadscout.sandbox.server import SandboxServer
    from leadscout.serving import check_port

    check_port("127.0.0.1", port)
    with SandboxServer(seed=seed, style=sandbox_style(style), day=world_day(day), scale=scale, port=port) as server:
        size, metros = len(server.world.companies), len(server.world.metros)
        out.print(f"sandbox world (seed {seed}, {style}, day {day}, {metros} metros, {size} companies) on {server.url}")
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
    day: Annotated[int, typer.Option("--day", help="The world N days on; its changes since day 0 are listed.")] = 0,
    scale: ScaleOption = 1,
) -> None:
    """Export the ground truth of every entity of a sandbox world as JSON (on day N: with what changed)."""
    from leadscout.sandbox.world import build, truth

    data = truth(build(seed, style=sandbox_style(style), day=world_day(day, "--day"), scale=scale))
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(json.dumps(data, indent=1))
    changed = f", {len(data['changes'])} changes since day 0" if day else ""  # type: ignore[arg-type]
    out.print(f"{len(data['companies'])} companies (day {day}{changed}) written to {out_file}")  # type: ignore[arg-type]


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
