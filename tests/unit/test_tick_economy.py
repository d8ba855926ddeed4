"""The arithmetic of a tick's economy: rotations that ask about each remembered rejection and each
secondary page once every N ticks (every tick the same share), and speculation sized by what a
batch still needs at the rate candidates pass."""

from __future__ import annotations

import asyncio

from leadscout.models import CriterionVerdict, Evidence, Verdict
from leadscout.models.monitors import Snapshot, WatchedPage
from leadscout.monitors.recheck import watched_this_tick
from leadscout.pipeline.remembered import Memory, still_unreadable, unchanged
from leadscout.pipeline.web_source import VERIFY_CONCURRENCY, Batch, Speculation
from leadscout.research.judge.verify import Verification
from leadscout.research.read.extract import PageFacts
from leadscout.research.read.pms import PmsDetection
from leadscout.research.web.fetch import FetchResult

DOMAINS = [f"firm{i}.com" for i in range(400)]


def test_each_rejection_is_asked_about_once_every_n_ticks_and_each_tick_asks_a_share() -> None:
    shares = []
    for tick in range(1, 9):
        memory = Memory(tick=tick, every=4)
        shares.append(sum(memory.due(d) for d in DOMAINS))
    assert all(70 <= n <= 130 for n in shares), shares  # about a quarter each tick, never all at once
    for domain in DOMAINS[:50]:
        asked = [t for t in range(1, 9) if Memory(tick=t, every=4).due(domain)]
        assert len(asked) == 2 and asked[1] - asked[0] == 4
    assert all(Memory(tick=5, every=1).due(d) for d in DOMAINS)


def test_the_criteria_page_every_tick_the_others_in_turn() -> None:
    pages = [WatchedPage(url=f"http://firm.com/{p}") for p in ("portal", "team", "about")]
    snapshot = Snapshot(name="Firm", watch=pages)
    seen = [watched_this_tick(snapshot, tick, 2, "firm.com") for tick in range(1, 9)]
    assert all(s[0].url.endswith("/portal") for s in seen)
    others = [s[1].url.rsplit("/", 1)[1] for s in seen if len(s) > 1]
    assert len(others) == 4 and set(others) == {"team", "about"}  # every other tick, each in turn


def test_a_rejection_decided_by_a_portal_link_is_unchanged_while_the_link_leads_there() -> None:
    portal = "https://firm.appfolio.com/connect"
    link = FetchResult(url="http://firm.com/portal", final_url=portal, status=302, ok=True)
    home = FetchResult(url="http://firm.com/", final_url="http://firm.com/", ok=True, content_hash="h1")
    wrong_pms = CriterionVerdict(criterion="pms", verdict=Verdict.FALSE, detail="uses appfolio",
                                 evidence=[Evidence(url=portal, source="portal", origin=link.url)])  # fmt: skip
    checked = Verification(
        domain="firm.com", name="Firm", website=home.url, accepted=False, verdicts=[wrong_pms],
        pms=PmsDetection(verdict="detected"), pages=[(home, PageFacts(url=home.url)), (link, PageFacts(url=link.url))],
    )  # fmt: skip
    [page] = checked.deciding_pages()
    assert (page.url, page.leads_to) == (link.url, portal)  # a redirect has no body to compare: its target is it
    assert unchanged(link.model_copy(), page)
    assert not unchanged(link.model_copy(update={"final_url": "https://firm.managebuilding.com/"}), page)


def test_a_rejection_for_a_silent_site_stays_rejected_while_the_site_is_silent() -> None:
    decided = WatchedPage(url="http://firm.com/")  # it timed out when it was rejected: nothing was kept
    silent = FetchResult(url=decided.url, final_url=decided.url, error="timeout")
    assert still_unreadable(silent, decided)  # not verified again, which would ask the silent site twice
    answered = FetchResult(url=decided.url, final_url=decided.url, ok=True, content_hash="h2")
    assert not still_unreadable(answered, decided) and not unchanged(answered, decided)  # back: verified again
    read_before = WatchedPage(url=decided.url, content_hash="h1")
    assert not still_unreadable(silent, read_before)  # a page that was read, now failing, is a change


def test_speculation_verifies_only_what_the_batch_still_needs() -> None:
    batch = Batch(want=4)
    gate = Speculation(batch)
    assert gate.allowed() == 6  # 4 wanted at two in three
    assert Speculation(Batch(want=2)).allowed() == 3  # not 4: the 4th is read for nothing when the first two pass
    pair = Speculation(Batch(want=2))
    pair.decided = 3  # three quick rejections: a rate of 1 in 6 would send 12; the width is earned, 3 + 2 x 3
    assert pair.allowed() == 9
    gate.passed, gate.decided = 1, 8  # few pass: wider
    assert gate.allowed() == 22
    gate.passed_unsettled = 4  # enough verified to fill it, waiting to be settled: none more
    assert gate.allowed() == 0
    batch.passed_before, batch.decided_before = 0, 1000  # the run's history: nearly nothing passes
    gate.passed_unsettled = 0
    assert gate.allowed() == VERIFY_CONCURRENCY


def test_candidates_start_in_plan_order_and_never_more_than_allowed() -> None:
    async def scenario() -> tuple[list[int], list[bool]]:
        batch = Batch(want=1)
        gate = Speculation(batch)
        started: list[int] = []
        within: list[bool] = []

        async def one(turn: int) -> None:
            async with gate.slot(turn) as outcome:
                started.append(turn)
                within.append(gate.running <= gate.allowed() + 1)  # itself included
                await asyncio.sleep(0.01 * (5 - turn % 5))
                outcome.accepted = False

        await asyncio.gather(*(one(i) for i in range(10)))
        return started, within

    started, within = asyncio.run(scenario())
    assert started == list(range(10))
    assert all(within)  # the first two alone (one wanted at one in two), wider as rejections come
