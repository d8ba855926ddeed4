"""What a monitor remembers between its ticks, as discovery uses it: the candidates it rejected
(with the pages that decided them) and the directory profiles it read.

A tick costs what changed. A remembered rejection is looked at again only in its turn (one tick
in ``every``, spread by domain so each tick asks about the same share), and then only the pages
that decided it are asked "changed since?"; it is verified again only when one of them changed.
A profile already read is not read again, and a site known to be a company's own is not read as
a possible list page."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from leadscout.db.store import Store
from leadscout.models import Run
from leadscout.models.monitors import WatchedPage
from leadscout.research.web.fetch import FetchResult


def in_turn(tick: int, key: str, every: int) -> tuple[int, bool]:
    """(how many turns ``key`` has had, whether this tick is one): each key comes up once every
    ``every`` ticks, spread by a hash of it so every tick takes the same share."""
    turn, phase = divmod(tick + zlib.crc32(key.encode()), max(1, every))
    return turn, phase == 0


def unchanged(result: FetchResult, page: WatchedPage) -> bool:
    """Whether a page asked again says what it said when ``page`` was recorded."""
    if page.leads_to is not None:  # a redirecting link is unchanged while it leads to the same place
        return result.final_url == page.leads_to
    return result.revalidated or (
        result.ok and page.content_hash is not None and result.content_hash == page.content_hash
    )


def still_unreadable(result: FetchResult, page: WatchedPage) -> bool:
    """A page that could not be read when it decided a rejection (no content was kept) and still
    cannot: verifying again would only ask the same silent site twice."""
    return not result.ok and page.content_hash is None and page.leads_to is None


@dataclass(frozen=True)
class Remembered:
    key: str
    domain: str
    name: str
    website: str
    reasons: list[str]
    verdicts: list[dict[str, Any]]
    pages: list[WatchedPage]


@dataclass
class Memory:
    """One monitor's memory for one tick; empty for a run that is not a monitor's."""

    tick: int = 0
    every: int = 1
    rejected: dict[str, Remembered] = field(default_factory=dict)
    profiles: dict[str, Remembered] = field(default_factory=dict)
    known: frozenset[str] = frozenset()  # the monitor's delivered companies (never read as list pages)
    sites: frozenset[str] = frozenset()  # the company sites its directory profiles link

    def is_company_site(self, domain: str) -> bool:
        return domain in self.rejected or domain in self.known or domain in self.sites

    def due(self, domain: str) -> bool:
        """Whether this tick asks about a remembered rejection (every ``every`` ticks, in turn)."""
        return in_turn(self.tick, domain, self.every)[1]


def monitor_of(run: Run) -> tuple[UUID, int] | None:
    """(monitor id, tick ordinal) of a monitor's run; None for any other run."""
    monitor = run.options.get("monitor")
    if not isinstance(monitor, dict) or "id" not in monitor:
        return None
    return UUID(str(monitor["id"])), int(monitor.get("tick") or 0)


async def load(store: Store, run: Run, known: frozenset[str], every: int) -> Memory:
    ticking = monitor_of(run)
    if ticking is None:
        return Memory()
    monitor_id, tick = ticking
    memory = Memory(tick=tick, every=every, known=known)
    for row in await store.monitor_memory(monitor_id):
        entry = Remembered(
            key=row["key"], domain=row["domain"], name=row["name"], website=row["website"],
            reasons=list(row["reasons"]), verdicts=list(row["verdicts"]),
            pages=[WatchedPage.model_validate(p) for p in row["pages"]],
        )  # fmt: skip
        (memory.rejected if row["kind"] == "rejected" else memory.profiles)[row["key"]] = entry
    memory.sites = frozenset(p.domain for p in memory.profiles.values())
    return memory
