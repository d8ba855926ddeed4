"""Fault profiles for the sandbox web: the ways real providers and sites misbehave, injected on a
seeded share of URLs so a drill is repeatable.

Transient faults (5xx, 429 with Retry-After, timeouts, truncated bodies, DNS failures) hit the
*first* request for a URL only: a client that retries gets the real answer, one that does not
fails. Persistent faults (slow answers, garbage HTML) hit every request for that URL. Every
answer is logged, so a drill can check that nothing was retried after a permanent answer."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Literal

from pydantic import BaseModel, Field

Fault = Literal["5xx", "429", "timeout", "slow", "truncated", "garbage", "dns"]
TRANSIENT: frozenset[str] = frozenset({"5xx", "429", "timeout", "truncated", "dns"})
PROFILES: dict[str, tuple[Fault, ...]] = {
    "5xx": ("5xx",),
    "429": ("429",),
    "timeouts": ("timeout",),
    "slow": ("slow",),
    "truncated": ("truncated",),
    "garbage": ("garbage",),
    "dns": ("dns",),
}


class FaultProfile(BaseModel):
    kinds: tuple[Fault, ...]
    rate: float = Field(default=0.2, ge=0, le=1)
    seed: int = 7
    slow_seconds: float = 0.6
    search: bool = True  # the search API misbehaves too

    @staticmethod
    def named(name: str, **options: float | int | bool) -> FaultProfile:
        return FaultProfile(kinds=PROFILES[name], **options)  # type: ignore[arg-type]


class Injector:
    """Decides, per request, whether and how a URL misbehaves; remembers what it did."""

    def __init__(self, profile: FaultProfile) -> None:
        self.profile = profile
        self.requests: Counter[str] = Counter()
        self.injected: Counter[str] = Counter()  # fault kind -> times
        self.answers: dict[str, list[int]] = {}  # key -> status of every answer, in order

    def fault_for(self, key: str, *, search: bool = False) -> Fault | None:
        self.requests[key] += 1
        if search and not self.profile.search:
            return None
        digest = hashlib.sha256(f"{self.profile.seed}:{key}".encode()).digest()
        if int.from_bytes(digest[:4], "big") / 2**32 >= self.profile.rate:
            return None
        kind = self.profile.kinds[digest[4] % len(self.profile.kinds)]
        if kind in TRANSIENT and self.requests[key] > 1:
            return None  # the retry gets the real answer
        self.injected[kind] += 1
        return kind

    def answered(self, key: str, status: int) -> None:
        self.answers.setdefault(key, []).append(status)


class LatencyProfile(BaseModel):
    """Realistic tool latency: every search answer waits ``search`` seconds, every page a seeded
    ``fetch`` range (the same URL always waits as long). The server adds it all up."""

    search: float = Field(default=1.0, ge=0)
    fetch: tuple[float, float] = (0.3, 2.0)
    seed: int = 7

    def delay(self, key: str, *, search: bool) -> float:
        if search:
            return self.search
        low, high = self.fetch
        digest = hashlib.sha256(f"{self.seed}:latency:{key}".encode()).digest()
        return low + (high - low) * int.from_bytes(digest[:4], "big") / 2**32


class LatencyMeter:
    """What the sandbox made clients wait: the total, and requests in flight (now and at most)."""

    def __init__(self, profile: LatencyProfile) -> None:
        self.profile = profile
        self.total = 0.0
        self.requests = 0
        self.searches = 0
        self.in_flight = 0
        self.peak = 0
        self.paths: Counter[str] = Counter()  # host + path of every request

    async def wait(self, key: str, *, search: bool) -> None:
        import asyncio

        delay = self.profile.delay(key, search=search)
        self.total += delay
        self.requests += 1
        self.paths[key] += 1
        self.searches += search
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(delay)
        finally:
            self.in_flight -= 1
