"""The REST API's response shapes (requests are :class:`leadscout.pipeline.launch.Launch` and
:class:`leadscout.pipeline.decisions.Decision`, the same models the CLI and MCP use)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema, model_validator

from leadscout.models import Company, CompanyFacts, Contact, CriterionVerdict, Evidence, WorkerRow, WorkerStats
from leadscout.pipeline.launch import storable_text

T = TypeVar("T")
MAX_PAGE = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class RunRow(BaseModel):
    id: UUID
    created_at: datetime
    stage: str
    status: str
    target_quantity: int
    companies_ready: int
    summary: str
    progress: float = Field(description="companies ready / target, 0..1")


class Understanding(BaseModel):
    """A request as leadscout understood it, before anything is created (for the user to confirm)."""

    criteria: dict[str, Any]
    summary: str
    parser: str
    notes: list[str]
    options: dict[str, Any]


class CreatedRun(Understanding):
    run_id: UUID
    status: str
    links: dict[str, str]
    webhook_secret: str | None = Field(
        default=None, description="the signing secret leadscout made for webhook_url: shown this once, never again"
    )


class CompanyRow(BaseModel):
    id: UUID
    name: str
    domain: str
    website: str | None
    city: str | None
    state: str | None
    pms: str | None
    units_estimate: int | None
    fit_score: float | None
    contacts: int
    research_status: str
    contacts_status: str
    discovered_via: str
    batch_no: int | None

    @staticmethod
    def of(company: Company, contacts: int) -> CompanyRow:
        return CompanyRow(
            **company.model_dump(include=set(CompanyRow.model_fields) - {"contacts", "discovered_via"}),
            contacts=contacts,
            discovered_via=company.discovery_source,
        )


class ContactRow(BaseModel):
    id: UUID
    company_id: UUID
    company_name: str | None
    company_domain: str | None
    full_name: str
    title: str | None
    seniority: int | None
    email: str | None
    email_status: str | None
    email_source: str | None
    linkedin_url: str | None
    phone: str | None
    evidence: list[Evidence]

    @staticmethod
    def of(contact: Contact) -> ContactRow:
        return ContactRow.model_validate(contact.model_dump(include=set(ContactRow.model_fields)))


class CompanyDetail(BaseModel):
    """One company with every criterion verdict and its evidence, its research and its contacts."""

    company: CompanyRow
    verdicts: list[CriterionVerdict]
    discovery_evidence: list[Evidence]
    research: CompanyFacts | None
    contacts: list[ContactRow]


class Workers(BaseModel):
    active: list[WorkerRow]
    dead: list[WorkerRow]
    stats: list[WorkerStats]


# a website or a domain (the schema promises a host with a dotted name; a name under no public
# suffix, such as example.zz, gets 422)
Domain = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=253),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": 253,
            "pattern": r"^(https?://)?([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(/[^\s]*)?$",
        }
    ),
]


class SuppressionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    domains: list[Domain] = Field(min_length=1, max_length=1000)
    reason: str = Field(default="manual", min_length=1, max_length=100)

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, values: Any) -> Any:
        return storable_text(values)  # a NUL in the reason was a 500 from the database (found by schemathesis)


class SuppressedDomain(BaseModel):
    domain: str
    reason: str
    source: str | None = None
    created_at: datetime | None = None


class Health(BaseModel):
    status: str
    detail: str = ""
