"""Typed records shared by every layer: what the database stores and the API returns."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from leadscout.criteria import Criteria


class Stage(StrEnum):
    COMPANY_DISCOVERY = "company_discovery"
    COMPANY_RESEARCH = "company_research"
    CONTACT_DISCOVERY = "contact_discovery"
    DONE = "done"


class Status(StrEnum):
    ACTIVE = "active"
    NEEDS_USER_DECISION = "needs_user_decision"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Record(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Evidence(Record):
    """Proof for one claim: where it was seen and the words that say it."""

    url: str | None = None
    quote: str = Field(default="", max_length=300)
    source: str
    fetched_at: datetime | None = None
    content_hash: str | None = None
    origin: str | None = None  # the link that was followed when ``url`` was reached by a redirect


class Verdict(StrEnum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"


class CriterionVerdict(Record):
    """One criterion's verdict on one company, with the evidence behind it."""

    criterion: str  # location | pms | units_min | units_max | company_type | reachable
    verdict: Verdict
    detail: str
    evidence: list[Evidence] = Field(default_factory=list)


class Run(Record):
    id: UUID
    created_at: datetime
    updated_at: datetime
    criteria: Criteria
    target_quantity: int
    contacts_min: int
    contacts_max: int
    batch_size: int
    stage: Stage
    status: Status
    decision_options: list[dict[str, Any]] | None = None
    notes: str | None = None
    finished_at: datetime | None = None
    lane: str | None = None  # set while RUN_FILTER_ID workers own the run
    options: dict[str, Any] = Field(default_factory=dict)  # sources, sandbox


class RunListing(Record):
    """A run as listed: its request and how far it got."""

    id: UUID
    created_at: datetime
    stage: Stage
    status: Status
    target_quantity: int
    companies_ready: int
    criteria: Criteria

    @property
    def progress(self) -> float:
        return round(min(1.0, self.companies_ready / (self.target_quantity or 1)), 3)


class Gap(Record):
    run_id: UUID
    target_quantity: int
    companies_ready: int
    companies_gap: int
    batches_done: int


class Batch(Record):
    run_id: UUID
    batch_no: int
    requested: int
    found: int
    status: str
    worker_id: str | None
    attempts: int
    started_at: datetime
    finished_at: datetime | None

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds(), 3)


class NewCompany(Record):
    """A company a source proposes for a run, before it is stored."""

    name: str
    domain: str
    website: str | None = None
    city: str | None = None
    state: str | None = None
    pms: str | None = None
    units_estimate: int | None = None
    company_type: str | None = None
    discovery_source: str
    evidence: list[Evidence] = Field(default_factory=list)
    fit_score: float | None = None
    verdicts: list[CriterionVerdict] = Field(default_factory=list)


class Fact(Record):
    """One researched fact: its value with the evidence behind it, or ``unknown``."""

    value: Any = "unknown"
    evidence: list[Evidence] = Field(default_factory=list)

    @property
    def known(self) -> bool:
        return bool(self.value != "unknown")


class PmsFact(Record):
    vendor: str
    tier: str  # strong | medium | weak
    confidence: float
    evidence: list[Evidence] = Field(default_factory=list)


class ResearchBrief(Record):
    """A short sales brief on one company, citing the evidence URLs it relies on (LLM-written)."""

    summary: str = Field(max_length=600)
    fit: str = Field(max_length=400, description="why the company fits the request")
    talking_points: list[str] = Field(default_factory=list, max_length=5)
    sources: list[str] = Field(default_factory=list, max_length=6, description="evidence URLs used")


class CompanyFacts(Record):
    """Company research: typed facts, each with evidence; what was not found is ``unknown``."""

    pms: list[PmsFact] = Field(default_factory=list)
    units_estimate: Fact = Field(default_factory=Fact)  # value: int; the quote is the source phrase
    portfolio_mix: Fact = Field(default_factory=Fact)  # value: list of single_family|multifamily|hoa|...
    service_areas: Fact = Field(default_factory=Fact)
    hq_address: Fact = Field(default_factory=Fact)
    year_founded: Fact = Field(default_factory=Fact)
    phone: Fact = Field(default_factory=Fact)
    social_links: Fact = Field(default_factory=Fact)
    company_type: Fact = Field(default_factory=Fact)
    fit_score: float = 0.0
    fit_reasons: list[str] = Field(default_factory=list)
    verdicts: list[CriterionVerdict] = Field(default_factory=list)  # the criteria, re-checked on the full site
    contradictions: list[str] = Field(default_factory=list)  # discovery said true, research says false
    pages_read: int = 0
    brief: ResearchBrief | None = None  # only with an LLM; cites only evidence URLs
    notes: list[str] = Field(default_factory=list)  # e.g. why no brief was written


class Company(NewCompany):
    id: UUID
    drop_reason: str | None = None
    run_id: UUID
    batch_no: int | None
    status: str
    research_status: str
    contacts_status: str
    created_at: datetime


EmailStatus = Literal["valid", "invalid", "risky", "unknown"]


class EmailCheck(Record):
    """One mailbox check: the verdict, why, and what the mail server said."""

    address: str
    status: EmailStatus
    reason: str | None = None  # catch_all | role | mailbox_unknown | nxdomain | no_mx | tempfail | unreachable
    code: int | None = None
    reply: str | None = None
    mx: str | None = None
    checked_at: datetime

    @property
    def label(self) -> str:
        return self.status if self.status == "valid" or not self.reason else f"{self.status}({self.reason})"


class NewContact(Record):
    full_name: str
    title: str | None = None
    seniority: int | None = None
    email: str | None = None
    email_status: str | None = None
    email_source: str | None = None
    email_check: EmailCheck | None = None
    linkedin_url: str | None = None
    phone: str | None = None
    source: str
    evidence: list[Evidence] = Field(default_factory=list)


class ContactSearch(BaseModel):
    """What looking for a company's decision makers found, and where it looked: the contacts, the
    pages read and everyone seen (decision maker or not), so a short company can say why."""

    contacts: list[NewContact] = Field(default_factory=list)
    pages_read: list[str] = Field(default_factory=list)
    people_seen: list[str] = Field(default_factory=list)  # "Jane Doe (Leasing Agent)"
    pages_closed: list[str] = Field(default_factory=list)  # closed by its robots.txt, which is respected

    def why_short(self) -> str:
        closed = f"; {', '.join(self.pages_closed[:3])} closed to robots (its robots.txt)" if self.pages_closed else ""
        if not self.pages_read:
            return "no page of its site could be read for people" + closed
        if not self.people_seen:
            return f"no named person on the {len(self.pages_read)} pages read" + closed
        return f"{len(self.people_seen)} people named, none a decision maker: {', '.join(self.people_seen[:5])}"


class Contact(NewContact):
    id: UUID
    run_id: UUID
    company_id: UUID
    company_name: str | None = None
    company_domain: str | None = None


class NewOutboxMessage(Record):
    run_id: UUID | None
    kind: str
    dedupe_key: str
    recipients: list[str]
    subject: str
    body: str
    attachments: list[str] = Field(default_factory=list)
    status: str = "pending"
    endpoint_id: UUID | None = None  # a webhook event: the endpoint it goes to (recipients: its URL)


class OutboxMessage(NewOutboxMessage):
    id: UUID
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class WebhookEndpoint(Record):
    """A webhook URL, as listed (its secret is never part of it)."""

    id: UUID
    url: str
    created_at: datetime
    rotated_at: datetime | None
    sent: int = 0
    waiting: int = 0
    failed: int = 0


class StageProgress(Record):
    research_pending: int
    contacts_pending: int
    contacts_short: int
    companies: int


class RunEvent(Record):
    id: int
    run_id: UUID | None
    created_at: datetime
    event: str
    entity_type: str
    entity_id: str | None
    payload: dict[str, Any]


class WorkerRow(Record):
    worker_id: str
    worker_type: str
    host: str | None
    pid: int | None
    status: str
    current_run_id: UUID | None
    current_task: str | None
    started_at: datetime
    last_heartbeat: datetime
    stop_requested: bool
    metadata: dict[str, Any]
    seconds_since_heartbeat: float | None = None


class WorkerStats(Record):
    worker_type: str
    total_workers: int
    active_workers: int
    idle_workers: int
    processing_workers: int
    dead_workers: int
    stopped_workers: int


class DirectoryCompany(Record):
    name: str
    domain: str
    website: str | None = None
    city: str | None = None
    state: str | None = None
    pms: str | None = None
    units: int | None = None
    source: str


class DirectoryContact(Record):
    domain: str
    full_name: str
    title: str | None = None
    email: str | None = None
    source: str
