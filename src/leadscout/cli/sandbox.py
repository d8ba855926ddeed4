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
)

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

    with SandboxServer(seed=seed, style=sandbox_style(style), port=port) as server:
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

    data = truth(build(seed, style=sandbox_style(style)))
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
