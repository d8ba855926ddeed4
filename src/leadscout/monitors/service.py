"""Monitors, the same from every door (CLI, REST API, MCP, dashboard): create one from a run's
request and a schedule, list, pause, resume, delete, and start a tick (scheduled or now).

A tick is a run like any other (the same discovery, research and contacts, with suppression)
that skips every company the monitor already delivered and takes what matches when discovery is
exhausted instead of asking; when it completes, :mod:`leadscout.monitors.deliver` re-checks the
delivered companies and delivers what changed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import email_validator
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from leadscout.criteria import MAX_QUANTITY, problems
from leadscout.db.store import Conn, Store
from leadscout.errors import InvalidCriteria, NotFound, id_or_not_found
from leadscout.models import Run
from leadscout.models.monitors import Monitor, MonitorRun
from leadscout.monitors.schedule import check_cron, next_tick
from leadscout.pipeline.launch import Launch, Prepared, prepare, storable_text
from leadscout.pipeline.request import parse_request
from leadscout.pipeline.runs import create_run

if TYPE_CHECKING:
    from leadscout.agents.llm import Llm

# the schema's cron line: five fields, each a list of *, N, N-M, with an optional /step, N within
# the field's range (croniter still checks the rest, such as a range upside down: 422)
_CRON_VALUES = ("[0-5]?[0-9]", "[01]?[0-9]|2[0-3]", "0?[1-9]|[12][0-9]|3[01]", "0?[1-9]|1[0-2]", "[0-7]")


def _cron_field(value: str) -> str:
    item = rf"(\*|({value})(-({value}))?)(/[1-9][0-9]?)?"
    return rf"{item}(,{item})*"


CRON_SHAPE = "^ *" + " +".join(_cron_field(v) for v in _CRON_VALUES) + " *$"
EVERY_MATCH = 1000  # a monitor without -n takes every matching company (a run's largest target)
DUE_PER_PASS = 50  # monitors a scheduler pass starts at most (the next pass takes the rest)
WATCH_ALL_BATCH = 25  # least discovery batch of a monitor without -n (a whole territory's first tick)


def _mailbox(address: str) -> str:
    """An address as email-validator normalises it; special-use domains (``.test``, ``.local``) are
    allowed: a monitor on a private network mails its own hosts."""
    try:
        return email_validator.validate_email(
            address, check_deliverability=False, globally_deliverable=False
        ).normalized
    except email_validator.EmailNotValidError as exc:
        raise ValueError(f"{address!r} is not an email address: {exc}") from None


Mailbox = Annotated[str, AfterValidator(_mailbox), WithJsonSchema({"type": "string", "format": "email"})]


# a monitor's request is a run's, but needs no count: without one it watches every match
_MONITOR_REQUEST = {k: v for k, v in Launch.model_json_schema().items() if k != "anyOf"}


class MonitorSpec(BaseModel):
    """What a user gives to create a monitor: a run's request, a schedule, where to tell."""

    model_config = ConfigDict(extra="forbid")

    launch: Annotated[Launch, WithJsonSchema(_MONITOR_REQUEST)]
    every: str = Field(
        description="5-field cron expression, UTC (e.g. '0 6 * * 1')",
        json_schema_extra={"pattern": CRON_SHAPE},
    )
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None = None
    notify: list[Mailbox] = Field(default_factory=list, max_length=20)

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, values: Any) -> Any:
        return storable_text(values)

    @classmethod
    def parse(cls, **values: Any) -> MonitorSpec:
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise InvalidCriteria("invalid monitor: " + problems(exc)) from None


class Created(BaseModel):
    monitor: Monitor
    prepared: Prepared  # the criteria as understood, the notices, the webhook secret when one was made


async def create(
    store: Store,
    spec: MonitorSpec,
    *,
    llm: Llm | None,
    sandbox_seed: int | None = None,
    sandbox_style: str = "classic",
) -> Created:
    cron = check_cron(spec.every)
    cap = spec.launch.quantity or (parse_request(spec.launch.request).get("quantity") if spec.launch.request else None)
    if cap is not None and not 1 <= cap <= MAX_QUANTITY:  # a number read from the request's text
        raise InvalidCriteria(
            f"the request asks for {cap} companies: a monitor delivers 1 to {MAX_QUANTITY} new companies per run "
            "(give -n/--quantity, or leave the number out to take every match)"
        )
    launch = spec.launch.model_copy(update={"preview": False, "quantity": cap or EVERY_MATCH})
    prepared = await prepare(store, launch, llm=llm, sandbox_seed=sandbox_seed, sandbox_style=sandbox_style)
    criteria = prepared.understood.criteria
    endpoint = None
    if prepared.webhook is not None:  # the secret stays in its own table, like a run's
        endpoint = await store.insert_webhook_endpoint(prepared.webhook.url, prepared.webhook.secret.get_secret_value())
    request = launch.model_dump(mode="json", exclude={"webhook_secret"}, exclude_none=True)
    monitor = await store.insert_monitor(
        name=spec.name or criteria.describe()[:120],
        request=request,
        criteria=criteria.model_dump(mode="json"),
        options=prepared.options,
        cap=cap,
        cron=cron,
        next_tick_at=next_tick(cron),
        notify=[str(a) for a in spec.notify],
        endpoint_id=endpoint,
    )
    return Created(monitor=monitor, prepared=prepared)


async def get(store: Store, monitor_id: UUID | str) -> Monitor:
    uid = id_or_not_found(monitor_id, "monitor", "leadscout monitor list")
    monitor = await store.get_monitor(uid)
    if monitor is None:
        raise NotFound(f"no monitor {uid}; `leadscout monitor list` lists them")
    return monitor


async def set_paused(store: Store, monitor_id: UUID | str, paused: bool) -> Monitor:
    monitor = await get(store, monitor_id)
    changed = await store.set_monitor_paused(monitor.id, paused, next_tick(monitor.cron))
    if changed is None:
        raise NotFound(f"monitor {monitor.id} was deleted")
    return changed


async def delete(store: Store, monitor_id: UUID | str) -> None:
    monitor = await get(store, monitor_id)
    await store.delete_monitor(monitor.id)


async def start_tick(
    store: Store,
    conn: Conn,
    monitor: Monitor,
    *,
    tick_at: datetime,
    trigger: str,
    batch_size: int,
    world_day: int | None = None,
) -> tuple[MonitorRun, Run]:
    """Create the run of one tick in the caller's transaction: the monitor's request, minus every
    company it already delivered (never fetched again by discovery)."""
    known = [row["domain"] for row in await store.monitor_companies(monitor.id)]
    base = monitor.criteria
    criteria = base.model_copy(update={"exclude_domains": sorted({*base.exclude_domains, *known})})
    tick_no = await store.next_tick_no(conn, monitor.id)
    options: dict[str, Any] = {**monitor.options, "monitor": {"id": str(monitor.id), "tick": tick_no}}
    if world_day is not None and "sandbox" in options:
        options["sandbox"] = {**options["sandbox"], "day": world_day}
    # a tick that takes every match finds many companies at once: bigger batches, fewer rounds
    batch = max(batch_size, WATCH_ALL_BATCH) if monitor.cap is None else batch_size
    run = await create_run(store, criteria, batch_size=batch, options=options, conn=conn)
    record = await store.insert_monitor_run(conn, monitor.id, tick_at, trigger, run.id, tick_no)
    return record, run


async def run_now(
    store: Store, monitor_id: UUID | str, *, batch_size: int, world_day: int | None = None
) -> tuple[MonitorRun, Run]:
    """One tick now, whatever the schedule says (the schedule is left as it is)."""
    monitor = await get(store, monitor_id)
    async with store.transaction() as conn:
        return await start_tick(
            store, conn, monitor, tick_at=datetime.now(UTC), trigger="manual", batch_size=batch_size,
            world_day=world_day,
        )  # fmt: skip


async def start_due(store: Store, *, batch_size: int) -> list[MonitorRun]:
    """Start the run of every monitor whose tick is due, once per tick across every scheduler:
    the monitor row is locked (SKIP LOCKED: another scheduler takes the next one) and its
    schedule moved past the tick in the transaction that creates the run. Ticks missed while no
    scheduler ran collapse into this one: the next tick is the schedule's next instant after now."""
    started: list[MonitorRun] = []
    for _ in range(DUE_PER_PASS):
        async with store.transaction() as conn:
            due = await store.due_monitors(conn, limit=1)
            if not due:
                break
            monitor = due[0]
            if not await store.take_tick(conn, monitor.id, monitor.next_tick_at, next_tick(monitor.cron)):
                continue
            record, _ = await start_tick(
                store, conn, monitor, tick_at=monitor.next_tick_at, trigger="schedule", batch_size=batch_size
            )
            started.append(record)
    return started
