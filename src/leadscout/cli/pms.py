"""``leadscout pms``: PMS vendor fingerprints."""

from __future__ import annotations

from typing import Annotated

import typer

from leadscout.cli.common import (
    app,
    out,
    print_json,
)

pms_app = typer.Typer(help="PMS vendor fingerprints.", no_args_is_help=True)
app.add_typer(pms_app, name="pms")


@pms_app.command("classify")
def pms_classify(
    urls: Annotated[list[str], typer.Argument(help="Link URLs (portal, login, marketing...).")],
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Print the PMS vendor and evidence tier each link URL proves, or none."""
    from leadscout.research.read.pms import classify_url

    results = []
    for url in urls:
        match = classify_url(url)
        results.append(
            {"url": url, "vendor": match.vendor if match else None, "tier": match.tier.value if match else None}
        )
    if json_out:
        print_json(results)
        return
    for r in results:
        verdict = f"{r['vendor']} ({r['tier']})" if r["vendor"] else "none"
        out.print(f"{r['url']}  ->  {verdict}")
