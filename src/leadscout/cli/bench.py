"""``leadscout bench``: benchmarks on the sandbox web."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from leadscout.cli.common import (
    app,
    err,
    print_json,
    run_async,
    sandbox_style,
    split_commas,
)
from leadscout.errors import UserError

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
    quantity: Annotated[int, typer.Option("--quantity", min=1, max=50, help="Companies per throughput run")] = 2,
    style: Annotated[str, typer.Option("--style", help="classic, wild or both (the default)")] = "both",
) -> None:
    """Measure throughput with 1, 2 and 4 workers, efficiency, orchestration overhead, peak RSS and the
    seed's 25-company run on the sandbox web with injected tool latency; write PERFORMANCE_BASELINE.md."""
    from leadscout import bench

    try:
        counts = [int(w) for w in split_commas(workers)]
    except ValueError:
        raise UserError(f"--workers takes numbers such as 1,2,4, not {workers!r}") from None
    styles = ["classic", "wild"] if style == "both" else [sandbox_style(style)]
    cfg = bench.BenchConfig(workers=counts, runs=runs, quantity=quantity, styles=styles)
    result = run_async(lambda: bench.baseline(cfg, progress=lambda m: err.print(m)))
    bench.write(result, out)
    err.print(f"wrote {out} and {out.with_suffix('.json')}")
    if json_out:
        print_json(result.summary())
    else:
        sys.stdout.write(out.read_text())
