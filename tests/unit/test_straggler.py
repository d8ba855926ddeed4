"""A batch is settled in plan order, but a slow candidate does not hold a batch that later
candidates have already filled for more than STRAGGLER_GRACE seconds."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from leadscout.pipeline import web_source
from leadscout.pipeline.web_source import WebSource
from leadscout.research.judge.verify import Verification
from leadscout.research.read.pms import PmsDetection


def _verified(domain: str, accepted: bool) -> tuple[dict[str, Any], Verification]:
    verdict = PmsDetection(verdict="none")
    return {"domain": domain, "reasons": []}, Verification(
        domain=domain, name=domain, website=f"https://{domain}/", accepted=accepted, verdicts=[], pms=verdict
    )


async def _after(seconds: float, domain: str, accepted: bool = True) -> tuple[dict[str, Any], Verification]:
    await asyncio.sleep(seconds)
    return _verified(domain, accepted)


@pytest.fixture(autouse=True)
def _short_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web_source, "STRAGGLER_GRACE", 0.2)


async def test_a_slow_candidate_is_passed_over_once_later_ones_fill_the_batch() -> None:
    slow = asyncio.create_task(_after(5.0, "slow.example"))
    later = [asyncio.create_task(_after(0.05, f"fast{i}.example")) for i in range(2)]
    started = time.monotonic()
    assert not await WebSource._in_turn(slow, later, gap=2)
    assert 0.2 <= time.monotonic() - started < 2.0
    slow.cancel()


async def test_a_candidate_is_waited_for_while_later_ones_cannot_fill_the_batch() -> None:
    first = asyncio.create_task(_after(0.6, "first.example"))
    later = [asyncio.create_task(_after(0.05, "fast.example")), asyncio.create_task(_after(0.05, "no.example", False))]
    assert await WebSource._in_turn(first, later, gap=2)  # one later match does not fill a gap of two
    assert first.done()


async def test_a_candidate_that_ends_within_the_grace_keeps_its_turn() -> None:
    first = asyncio.create_task(_after(0.15, "first.example"))
    later = [asyncio.create_task(_after(0.01, "fast.example"))]
    assert await WebSource._in_turn(first, later, gap=1)
