"""What every command group shares: the typer app, the consoles, settings, the store, JSON output and the
sandbox a run researches."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterator
from contextlib import asynccontextmanager, contextmanager
from copy import copy
from typing import Annotated, Any, TypeVar
from uuid import UUID

import typer
from pydantic.fields import FieldInfo
from rich.console import Console

from leadscout import logs
from leadscout.config import Settings, load_settings
from leadscout.db import migrate
from leadscout.db.connection import describe_dsn, open_pool, resolve_dsn
from leadscout.db.store import Store
from leadscout.errors import LeadscoutError, UserError
from leadscout.pipeline.launch import Launch, with_request

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
# options several commands share
SeedOption = Annotated[int, typer.Option("--seed", help="Sandbox world seed.")]
StyleOption = Annotated[
    str, typer.Option("--style", help="Sandbox style: classic | wild (sites built like real ones).")
]
WorldDayOption = Annotated[
    int, typer.Option("--world-day", help="Sandbox world N days on (0: the seed's world; see sandbox truth --day).")
]
# how `run` and `monitor create` spell each field of the one request model (pipeline.launch.Launch)
REQUEST_FLAGS: dict[str, Any] = {
    "request": typer.Argument(help='e.g. "25 AppFolio property managers in Austin, TX with 100+ units"'),
    "quantity": typer.Option("-n", "--quantity", help="Companies wanted (1-1000)."),
    "state": typer.Option("--state", help="US state: TX or Texas."),
    "cities": typer.Option("--city", help="City (repeat for several)."),
    "pms": typer.Option("--pms", help="PMS vendor (repeat: any of)."),
    "units_min": typer.Option("--units-min"),
    "units_max": typer.Option("--units-max"),
    "contacts_min": typer.Option("--contacts-min"),
    "contacts_max": typer.Option("--contacts-max"),
    "geo_scope": typer.Option("--geo", help="city: the named cities only; metro: also nearby cities"),
    "radius_miles": typer.Option("--radius", help="Metro radius in miles (default 30)."),
    "source": typer.Option("--source", help="auto | directory | web | all (all: the directory first, then the web)"),
    "strategy": typer.Option("--strategy", help="auto | agent | rules (auto: agent when an LLM is configured)"),
    "preview": typer.Option("--preview", help="Verify about 10 candidates, show the projected cost, then ask."),
    "max_usd": typer.Option("--max-usd", help="Dollar cap for this run."),
    "max_llm_requests": typer.Option("--max-llm-requests", help="LLM request cap for this run."),
    "webhook_url": typer.Option("--webhook", help="POST signed events to this URL."),
    "webhook_secret": typer.Option(
        "--webhook-secret",
        envvar="LEADSCOUT_WEBHOOK_SECRET",
        show_envvar=True,
        help="whsec_... signing secret (default: one is made and printed once).",
    ),
}


def request_flags(*, exclude: Collection[str] = (), help: dict[str, str] | None = None) -> Callable[[F], F]:
    """A command taking the request model's fields as flags (spelt by REQUEST_FLAGS; ``help``
    overrides a flag's help here); the command gets the validated Launch as ``request_model``."""

    def spell(name: str, info: FieldInfo, loose: Any) -> Any:
        flag = copy(REQUEST_FLAGS[name])
        if help and name in help:
            flag.help = help[name]
        return Annotated[loose, flag]

    return with_request(Launch, spell, exclude=exclude)


SandboxFlag = Annotated[bool, typer.Option("--sandbox", help="Research the generated sandbox web (no keys needed).")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object (stable fields).")]
SandboxWorkers = Annotated[
    int, typer.Option("--workers", min=0, max=64, help="In-process worker concurrency (0: none)")
]
app = typer.Typer(
    help="Verified B2B lead lists of US property-management companies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


out = Console(soft_wrap=True)  # paths and ids are printed whole, never broken across lines
err = Console(stderr=True, soft_wrap=True)  # an error line is never broken mid-path
STATE: dict[str, Any] = {"verbose": False}
log = logging.getLogger("leadscout.cli")


@app.callback()
def _root(
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Show debug logs and tracebacks.")] = False,
) -> None:
    STATE["verbose"] = verbose
    logs.setup(verbose=verbose)


# -- plumbing ----------------------------------------------------------------------------
def cli_settings(**overrides: object) -> Settings:
    return load_settings(**overrides)


@asynccontextmanager
async def open_store(settings: Settings, *, upgrade: bool = True) -> AsyncIterator[tuple[Store, str]]:
    dsn = resolve_dsn(settings)
    if upgrade:
        await asyncio.to_thread(migrate.upgrade, dsn)
    pool = open_pool(dsn, settings, max_size=4)
    try:
        await pool.open(wait=True, timeout=30)
    except Exception as exc:
        raise LeadscoutError(f"cannot connect to the database at {describe_dsn(dsn)}: {exc}") from None
    try:
        yield Store(pool), dsn
    finally:
        await pool.close()


def run_async(coro_fn: Callable[[], Awaitable[T]]) -> T:
    return asyncio.run(coro_fn())  # type: ignore[arg-type]


def split_commas(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def parse_uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise UserError(f"{value!r} is not an id (a UUID)") from None


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, default=str) + "\n")


def language_model(settings: Settings) -> Any:
    from leadscout.workers.runner import language_model

    return language_model(settings)


def world_day(day: int, flag: str = "--world-day") -> int:
    if day < 0:
        raise UserError(f"{flag} {day}: a world day is 0 (the seed's world) or later")
    return day


def sandbox_style(style: str) -> str:
    from leadscout.sandbox.world import STYLES

    if style not in STYLES:
        raise UserError(f"unknown --style {style!r}; use one of: {', '.join(STYLES)}")
    return style


Wire = Callable[[Settings], Settings]


@contextmanager
def sandbox_for(options: dict[str, Any], wanted: bool = True) -> Iterator[Wire]:
    """Serve the run's sandbox world for the block; yields what routes settings to it (pass the
    in-process workers' settings through it: the process environment is left alone)."""
    if "sandbox" not in options or not wanted:
        yield lambda settings: settings
        return
    from leadscout.sandbox.server import SandboxServer

    sandbox = options["sandbox"]
    day = sandbox.get("day", 0)
    with SandboxServer(seed=sandbox["seed"], style=sandbox.get("style", "classic"), day=day) as server:
        yield server.settings_for
