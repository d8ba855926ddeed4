"""Where companies, facts and contacts come from. Each stage talks to a small protocol;
the research directory (rv_agentic's "seeding from the internal research DB") is the
first implementation of each. Web research plugs in behind the same protocols."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from leadscout.criteria import Criteria
from leadscout.db.store import Store
from leadscout.models import (
    Company,
    CompanyFacts,
    ContactSearch,
    DirectoryCompany,
    Evidence,
    Fact,
    NewCompany,
    NewContact,
    PmsFact,
    Run,
)
from leadscout.research.judge.company import finish, research_site
from leadscout.research.judge.contacts import UNRANKED, title_rank
from leadscout.research.judge.mailcheck import EmailVerifier
from leadscout.research.web.fetch import Fetcher


@dataclass
class SourceResult:
    companies: list[NewCompany]
    exhausted: bool  # True when asking again cannot return anything new


class CompanySource(Protocol):
    name: str

    async def find(self, run: Run, criteria: Criteria, want: int) -> SourceResult: ...


class Researcher(Protocol):
    async def research(self, run: Run, company: Company, criteria: Criteria) -> CompanyFacts: ...


class ContactSource(Protocol):
    async def find(self, run: Run, company: Company) -> ContactSearch: ...


@dataclass
class DirectorySource:
    """Companies from ``pm_pipeline.directory_companies`` that match every hard criterion."""

    store: Store
    name: str = "directory"

    async def find(self, run: Run, criteria: Criteria, want: int) -> SourceResult:
        rows = await self.store.directory_candidates(
            run.id,
            state=criteria.state,
            cities=[c.lower() for c in criteria.allowed_cities()] or None,
            pms=criteria.pms or None,
            units_min=criteria.units_min,
            units_max=criteria.units_max,
            exclude=criteria.exclude_domains,
            limit=want,
        )
        return SourceResult([_from_directory(row) for row in rows], exhausted=len(rows) < want)


def _from_directory(row: DirectoryCompany) -> NewCompany:
    facts = [f"{row.name}", ", ".join(p for p in (row.city, row.state) if p)]
    if row.pms:
        facts.append(f"PMS: {row.pms}")
    if row.units is not None:
        facts.append(f"{row.units} units")
    return NewCompany(
        name=row.name,
        domain=row.domain,
        website=row.website,
        city=row.city,
        state=row.state,
        pms=row.pms,
        units_estimate=row.units,
        discovery_source=f"directory:{row.source}",
        evidence=[Evidence(source=f"directory:{row.source}", url=row.website, quote="; ".join(facts)[:300])],
    )


@dataclass
class ChainSource:
    """Ask each source in turn until the batch is filled."""

    sources: list[CompanySource] = field(default_factory=list)
    name: str = "chain"

    async def find(self, run: Run, criteria: Criteria, want: int) -> SourceResult:
        found: list[NewCompany] = []
        seen: set[str] = set()
        exhausted = True
        for source in self.sources:
            if len(found) >= want:
                exhausted = False
                break
            result = await source.find(run, criteria, want - len(found))
            fresh = [c for c in result.companies if c.domain not in seen]
            seen.update(c.domain for c in fresh)
            found.extend(fresh)
            exhausted = exhausted and result.exhausted
        return SourceResult(found[:want], exhausted=exhausted and len(found) < want)


@dataclass
class DirectoryResearcher:
    """Facts the directory states about a company, each with its evidence; the rest unknown."""

    async def research(self, run: Run, company: Company, criteria: Criteria) -> CompanyFacts:
        evidence = list(company.evidence[:1])

        def fact(value: object) -> Fact:
            return Fact(value=value, evidence=evidence) if value is not None else Fact()

        hq = {"city": company.city, "state": company.state} if company.city else None
        pms = [PmsFact(vendor=company.pms, tier="directory", confidence=0.5, evidence=evidence)] if company.pms else []
        facts = CompanyFacts(
            pms=pms,
            units_estimate=fact(company.units_estimate),
            hq_address=fact(hq),
            company_type=fact(company.company_type),
            verdicts=company.verdicts,
        )
        return finish(facts, company, criteria)


@dataclass
class WebResearcher:
    """The company's whole website, read and turned into facts (see research.company)."""

    fetcher: Fetcher

    async def research(self, run: Run, company: Company, criteria: Criteria) -> CompanyFacts:
        return await research_site(self.fetcher, company, criteria)


@dataclass
class ChainContactSource:
    """Ask each contact source in turn; the first that finds anyone wins."""

    sources: list[ContactSource]

    async def find(self, run: Run, company: Company) -> ContactSearch:
        searched = ContactSearch()
        for source in self.sources:
            found = await source.find(run, company)
            if found.contacts:
                return found
            searched.pages_read += found.pages_read
            searched.pages_closed += found.pages_closed
            searched.people_seen += [p for p in found.people_seen if p not in searched.people_seen]
        return searched


@dataclass
class DirectoryContactSource:
    """Known decision makers from ``pm_pipeline.directory_contacts``, most senior first."""

    store: Store
    checker: EmailVerifier | None = None

    async def find(self, run: Run, company: Company) -> ContactSearch:
        rows = await self.store.directory_contacts(company.domain)
        contacts = [
            NewContact(
                full_name=row.full_name,
                title=row.title,
                seniority=title_rank(row.title),
                email=row.email,
                email_status="unverified" if row.email else None,
                email_source=f"directory:{row.source}" if row.email else None,
                source=f"directory:{row.source}",
                evidence=[
                    Evidence(source=f"directory:{row.source}", quote=f"{row.full_name}, {row.title or 'no title'}")
                ],
            )
            for row in rows
            if title_rank(row.title) != UNRANKED  # decision makers only
        ]
        contacts.sort(key=lambda c: (c.seniority or UNRANKED, c.full_name))
        seen = [f"{row.full_name} ({row.title or 'no title'})" for row in rows]
        return ContactSearch(contacts=[await self._checked(c) for c in contacts], people_seen=seen)

    async def _checked(self, contact: NewContact) -> NewContact:
        if self.checker is None or contact.email is None:
            return contact
        check = await self.checker.check(contact.email)
        if check.status == "invalid":  # the directory is out of date: drop the address, keep the person
            return contact.model_copy(update={"email": None, "email_status": None, "email_source": None})
        return contact.model_copy(update={"email_status": check.label, "email_check": check})
