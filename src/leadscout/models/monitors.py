"""The typed records of monitors: the monitor, one tick's run, what a delivered company looked
like (its snapshot), and what a run delivers (new, gone, changed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from leadscout.criteria import Criteria
from leadscout.models import CriterionVerdict, Evidence, NewContact, Record


class MonitorPolicy(BaseModel):
    """How a monitor's ticks spend: see LEADSCOUT_MONITOR_* in the settings."""

    recheck_every: int = 4  # a rejection's deciding pages, a known company's other pages: once every this many ticks
    unreachable_after: int = 3  # consecutive failed ticks before a site is reported unreachable
    email_days: int = 30  # contacts' emails are re-verified when this many days have passed
    max_backoff: int = 16  # a gone company is looked at again after 1, 2, 4, 8 ... at most this many ticks


class Monitor(Record):
    id: UUID
    name: str
    request: dict[str, Any]
    criteria: Criteria
    options: dict[str, Any]
    cap: int | None
    cron: str
    next_tick_at: datetime
    paused: bool
    notify: list[str] = Field(default_factory=list)
    endpoint_id: UUID | None = None
    created_at: datetime
    updated_at: datetime
    watching: int = 0  # companies delivered and still matching
    runs: int = 0
    last_run_at: datetime | None = None


class MonitorRun(Record):
    id: UUID
    monitor_id: UUID
    tick_at: datetime
    trigger: Literal["schedule", "manual"]
    run_id: UUID
    status: Literal["running", "delivered"]
    tick_no: int = 0  # the monitor's how-manieth tick (its first is 1)
    result: dict[str, Any] | None = None
    created_at: datetime
    delivered_at: datetime | None = None
    run_status: str | None = None


class KnownContact(BaseModel):
    full_name: str
    title: str | None = None
    email: str | None = None
    email_status: str | None = None
    evidence: Evidence | None = None

    @classmethod
    def of(cls, contact: NewContact) -> KnownContact:
        first = contact.evidence[0] if contact.evidence else None
        return cls(full_name=contact.full_name, title=contact.title, email=contact.email,
                   email_status=contact.email_status, evidence=first)  # fmt: skip


class WatchedPage(BaseModel):
    """A page whose change would change what was delivered, with the hash of what was read."""

    url: str
    content_hash: str | None = None
    leads_to: str | None = None  # a link that redirects (e.g. "Pay rent" to the PMS portal): where it went


class CompanyState(BaseModel):
    """What a monitor knows of a company: its place, PMS, units and decision makers."""

    name: str
    website: str | None = None
    city: str | None = None
    state: str | None = None
    pms: list[str] = Field(default_factory=list)
    units: int | None = None
    contacts: list[KnownContact] = Field(default_factory=list)


class Snapshot(CompanyState):
    """A delivered company as the monitor last saw it: what the next runs compare against."""

    company_id: UUID | None = None  # the row it was first researched in
    verdicts: list[CriterionVerdict] = Field(default_factory=list)
    watch: list[WatchedPage] = Field(default_factory=list)  # the criteria's page first
    emails_checked_at: datetime | None = None  # when its contacts' emails were last verified


class WatchedCompany(BaseModel):
    """A company a monitor delivered, with its health: failed ticks in a row and, once gone, the
    tick at which it is looked at again."""

    domain: str
    status: Literal["active", "gone"] = "active"
    snapshot: Snapshot
    failures: int = 0
    failing_since: datetime | None = None
    gone_checks: int = 0
    next_check_tick: int = 0
    gone_reason: str | None = None  # closed | unreachable | no_longer_matches
    first_run_id: UUID | None = None


class NewCompany(CompanyState):
    domain: str
    evidence: list[CriterionVerdict] = Field(default_factory=list)


class GoneCompany(BaseModel):
    domain: str
    name: str
    reason: str  # closed | unreachable | no_longer_matches
    detail: str
    evidence: Evidence | None = None


class BackCompany(BaseModel):
    """A company reported gone before that answers and matches again."""

    domain: str
    name: str
    detail: str
    evidence: Evidence | None = None


class FailingCompany(BaseModel):
    """A company whose site failed this tick, not yet for long enough to be called unreachable."""

    domain: str
    name: str
    failures: int  # ticks in a row
    since: datetime
    detail: str


class Change(BaseModel):
    domain: str
    name: str
    field: str  # pms | units | contact_added | contact_gone | email_invalid
    old: Any = None
    new: Any = None
    evidence: Evidence | None = None


class Check(BaseModel):
    """The re-check of one delivered company: unchanged, changed (with the new snapshot) or gone."""

    domain: str
    outcome: Literal["unchanged", "changed", "gone", "failing", "back", "still_gone"]
    fetches: int = 0
    reads: list[str] = Field(default_factory=list)  # each watched page and what it said ("url: unchanged (304)")
    changes: list[Change] = Field(default_factory=list)
    gone: GoneCompany | None = None
    back: BackCompany | None = None
    failing: FailingCompany | None = None
    snapshot: Snapshot | None = None  # what to keep: as it is now (researched again), or as it was (gone silent)
    health: WatchedCompany | None = None  # the company's new record (None: nothing to write)


class Delivered(BaseModel):
    """What one monitor run delivers: the stable ``--json`` shape of ``leadscout monitor run``."""

    monitor_id: UUID
    monitor_run_id: UUID
    run_id: UUID
    tick_at: datetime
    new: list[NewCompany] = Field(default_factory=list)
    gone: list[GoneCompany] = Field(default_factory=list)
    changed: list[Change] = Field(default_factory=list)
    back: list[BackCompany] = Field(default_factory=list)
    failing: list[FailingCompany] = Field(default_factory=list)
    known: int = 0  # delivered companies re-checked
    gone_checked: int = 0  # gone companies looked at again (back-off)
    fetches: int = 0  # HTTP requests of the whole run (discovery, research, contacts, re-checks)
    recheck_fetches: int = 0  # of which re-checking the known companies
    requests_per_known: float | None = None  # fetches / known: what watching one company costs a tick
