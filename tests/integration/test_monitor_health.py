"""A monitor's view of a delivered company's health, over the sandbox world's days served on real
HTTP: a site down for one day is failing, not gone; unreachable only after N failed ticks in a
row; a lapsed domain is gone at once and, once its firm takes it up again, reported back; a site
that answers again starts its count over; emails are verified again when they are due."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from leadscout.config import Settings
from leadscout.criteria import Criteria
from leadscout.db.store import Store
from leadscout.models import Run
from leadscout.models.monitors import KnownContact, MonitorPolicy, Snapshot, WatchedCompany, WatchedPage
from leadscout.monitors.recheck import Rechecker
from leadscout.pipeline.runs import create_run
from leadscout.pipeline.stages import Pipeline
from leadscout.research.web.http import make_client
from leadscout.sandbox.server import SandboxServer
from leadscout.sandbox.world import build
from leadscout.workers.runner import mail_checker, web_tools

CITY, STATE = "Tampa", "FL"


def _bad_days() -> tuple[str, str]:
    """(a Tampa AppFolio firm down on day 2 only, one closed on day 2 and reopened on day 3)."""
    world = build(7, day=3)
    tampa = {c.domain for c in world.companies if c.city == CITY and c.pms == "appfolio"}
    down = next(c.domain for c in world.changes if c.day == 2 and c.change == "outage" and c.domain in tampa)
    closed = {c.domain for c in world.changes if c.day == 2 and c.change == "closed"}
    reopened = next(c.domain for c in world.changes if c.day == 3 and c.change == "reopened" and c.domain in closed)
    return down, reopened


@asynccontextmanager
async def checking(
    store: Store, settings: Settings, day: int, tick: int, policy: MonitorPolicy
) -> AsyncIterator[Rechecker]:
    criteria = Criteria(pms=["appfolio"], cities=[CITY], state=STATE, quantity=10, geo_scope="city")
    options = {"sources": ["web"], "sandbox": {"seed": 7, "day": day}, "monitor": {"id": str(uuid4()), "tick": tick}}
    with SandboxServer(seed=7, day=day, timeout_seconds=2) as server:
        wired = server.settings_for(settings)
        async with make_client(timeout=5, proxy=wired.http_proxy) as client:
            web = web_tools(wired, store, client)
            pipeline = Pipeline(store, web=web, checker=mail_checker(wired), monitor_policy=policy)
            run: Run = await create_run(store, criteria, batch_size=5, options=options)
            yield Rechecker(pipeline, run, criteria, tick)


def watched(domain: str, **health: object) -> WatchedCompany:
    home = f"http://www.{domain}/"
    snapshot = Snapshot(name=domain, website=home, city=CITY, state=STATE, watch=[WatchedPage(url=home)])
    return WatchedCompany.model_validate({"domain": domain, "snapshot": snapshot, **health})


async def test_one_bad_day_is_not_gone_and_a_closed_firm_comes_back(store: Store, settings: Settings) -> None:
    down, reopened = _bad_days()
    policy = MonitorPolicy(unreachable_after=2)
    async with checking(store, settings, day=2, tick=3, policy=policy) as rechecker:
        first = await rechecker.check(watched(down))
        assert first.outcome == "failing" and first.gone is None and first.failing is not None
        assert first.failing.failures == 1 and "failing since" in first.failing.detail
        assert first.health is not None and first.health.status == "active" and first.health.failures == 1
        second = await rechecker.check(first.health)  # the next tick, still down: N=2 failed ticks
        assert second.outcome == "gone" and second.gone is not None and second.gone.reason == "unreachable"
        assert "2 ticks in a row" in second.gone.detail

        closed = await rechecker.check(watched(reopened))  # a lapsed domain says so: gone at once
        assert closed.outcome == "gone" and closed.gone is not None and closed.gone.reason == "closed"
        assert closed.health is not None and closed.health.next_check_tick == 4  # looked at the next tick

    assert closed.health is not None
    later = closed.health.next_check_tick
    async with checking(store, settings, day=3, tick=later, policy=policy) as rechecker:
        recovered = await rechecker.check(first.health)  # it answers again: the count starts over
        assert recovered.outcome in ("unchanged", "changed") and recovered.health is not None
        assert recovered.health.failures == 0 and recovered.health.failing_since is None

        back = await rechecker.check(closed.health)
        assert back.outcome == "back" and back.back is not None and back.back.domain == reopened
        assert back.health is not None and back.health.status == "active" and back.snapshot is not None
        assert back.snapshot.pms == ["appfolio"]


async def test_a_gone_firm_still_closed_waits_longer_each_time(store: Store, settings: Settings) -> None:
    _, reopened = _bad_days()
    gone = watched(reopened, status="gone", gone_reason="closed", gone_checks=1, next_check_tick=5)
    async with checking(store, settings, day=2, tick=5, policy=MonitorPolicy(max_backoff=16)) as rechecker:
        still = await rechecker.check(gone)
    assert still.outcome == "still_gone" and still.back is None and still.health is not None
    assert still.health.gone_checks == 2 and still.health.next_check_tick == 5 + 4  # 1, 2, 4, 8 ... ticks


async def test_emails_are_verified_again_when_due(store: Store, settings: Settings) -> None:
    world = build(7)
    firm = next(
        c for c in world.companies if c.city == CITY and c.health == "ok" and c.people and c.mail_server == "strict"
    )
    person = firm.people[0]
    address = f"nobody-{uuid4().hex[:6]}@{firm.domain}"  # a mailbox the firm's server does not have
    async with checking(store, settings, day=0, tick=2, policy=MonitorPolicy(email_days=30)) as rechecker:
        home = await rechecker.pipeline.web_for(rechecker.run).fetcher.fetch(f"http://www.{firm.domain}/")  # type: ignore[union-attr]
        page = WatchedPage(url=home.url, content_hash=home.content_hash)
        contact = KnownContact(full_name=person.full_name, email=address, email_status="valid")
        old = datetime.now(UTC) - timedelta(days=31)
        snapshot = Snapshot(name=firm.name, website=home.url, watch=[page], contacts=[contact], emails_checked_at=old)
        check = await rechecker.check(WatchedCompany(domain=firm.domain, snapshot=snapshot))
        fresh = snapshot.model_copy(update={"emails_checked_at": datetime.now(UTC)})
        quiet = await rechecker.check(WatchedCompany(domain=firm.domain, snapshot=fresh))
    assert check.health is not None and check.health.snapshot.emails_checked_at is not None
    assert check.health.snapshot.emails_checked_at > old
    assert [c.field for c in check.changes] == ["email_invalid"], (
        check.changes,
        check.health.snapshot.contacts,
        firm.mail_server,
    )
    assert quiet.outcome == "unchanged" and quiet.health is None  # not due: nothing asked, nothing written
