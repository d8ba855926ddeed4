"""Re-checking a company a monitor delivered: cheap when nothing changed, thorough when it did.

At most two pages are asked "changed since?" (If-None-Match / If-Modified-Since with the
validators stored with the page, else the body's hash is compared with the one stored): the page
that proved the request's criteria, and one of the company's other evidence pages (in turn, one
per tick, so a change on any of them is seen within a few ticks). When both are unchanged the
company is: two requests. When one changed, the site is researched again and its contacts sought
again, and the new facts are compared with the snapshot. A site that no longer answers is gone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit
from uuid import UUID, uuid4

from leadscout.criteria import Criteria
from leadscout.models import Company, CompanyFacts, ContactSearch, CriterionVerdict, Evidence, Run, Verdict
from leadscout.models.monitors import (
    BackCompany,
    Change,
    Check,
    FailingCompany,
    GoneCompany,
    KnownContact,
    Snapshot,
    WatchedCompany,
    WatchedPage,
)
from leadscout.pipeline.remembered import in_turn, unchanged
from leadscout.pipeline.stages import Pipeline
from leadscout.research.web.fetch import FetchResult

FIRST_LOOK = 1  # ticks before a gone company is first looked at again (then twice as long each time): a
# firm down for a day and back the next is reported `back` the next tick, at one request a look
CRITERIA_ORDER = ("pms", "units_min", "units_max", "location", "company_type")
CLOSED = {
    "dns_failure": "the domain no longer resolves",
    "http_404": "the site answers 404",
    "http_410": "the site answers 410 Gone",
}


def snapshot_of(company: Company, facts: CompanyFacts, contacts: list[KnownContact]) -> Snapshot:
    verdicts = facts.verdicts or company.verdicts
    units = facts.units_estimate.value if isinstance(facts.units_estimate.value, int) else company.units_estimate
    return Snapshot(
        company_id=company.id,
        name=company.name,
        website=company.website,
        city=company.city,
        state=company.state,
        pms=vendors_of(facts) or ([company.pms] if company.pms else []),
        units=units,
        contacts=contacts,
        verdicts=list(verdicts),
        watch=watch_pages(company, verdicts, contacts),
    )


def vendors_of(facts: CompanyFacts) -> list[str]:
    return sorted({p.vendor for p in facts.pms if p.tier != "weak"})


def watch_pages(company: Company, verdicts: list[CriterionVerdict], contacts: list[KnownContact]) -> list[WatchedPage]:
    """The company's own pages that carry evidence: first the one proving the most telling
    criterion (the PMS, then units, then the place; a portal reached by a redirect is watched
    through the link on the company's site), then the people page and the other proofs."""
    site = company.website or f"http://{company.domain}/"
    host = _host(site)
    ranked = sorted(verdicts, key=lambda v: CRITERIA_ORDER.index(v.criterion) if v.criterion in CRITERIA_ORDER else 9)
    proofs = [e for v in ranked if v.verdict == Verdict.TRUE for e in v.evidence]
    people = [c.evidence for c in contacts if c.evidence is not None]
    pages: dict[str, WatchedPage] = {}
    for evidence in [*proofs[:1], *people, *proofs[1:]]:
        if evidence.origin and _host(evidence.origin) == host:
            pages.setdefault(evidence.origin, WatchedPage(url=evidence.origin, leads_to=evidence.url))
        elif evidence.url and evidence.content_hash and _host(evidence.url) == host:  # a page to compare with
            pages.setdefault(evidence.url, WatchedPage(url=evidence.url, content_hash=evidence.content_hash))
    return list(pages.values()) or [WatchedPage(url=site)]


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def watched_this_tick(snapshot: Snapshot, tick: int, every: int, domain: str) -> list[WatchedPage]:
    """The criteria's page at every tick; the others one at a time, in turn, once every ``every``
    ticks (spread by domain, so each tick asks about the same share of companies)."""
    first, rest = snapshot.watch[:1], snapshot.watch[1:]
    turn, due = in_turn(tick, domain, every)
    return first + ([rest[turn % len(rest)]] if rest and due else [])


def _said(result: FetchResult, page: WatchedPage) -> str:
    if page.leads_to is not None:
        return f"leads to {result.final_url}" + (" (as before)" if result.final_url == page.leads_to else "")
    if result.revalidated:
        return "unchanged (304)"
    if not result.ok:
        return result.error or "unreadable"
    return "same content" if result.content_hash == page.content_hash else "changed"


def gone_reason(result: FetchResult) -> tuple[str, str] | None:
    """Why a company's site says it is gone, or None while it answers."""
    if result.ok or result.error is None:
        return None
    if result.error in CLOSED:
        return "closed", CLOSED[result.error]
    if result.transient or result.error in ("connect_error", "timeout"):
        return "unreachable", f"its site does not answer ({result.error.replace('_', ' ')})"
    return None


class Rechecker:
    """Re-checks the companies one monitor delivered, within one monitor run."""

    def __init__(self, pipeline: Pipeline, run: Run, criteria: Criteria, tick: int) -> None:
        self.pipeline, self.run, self.criteria, self.tick = pipeline, run, criteria, tick
        self.policy = pipeline.monitor_policy

    async def check(self, company: WatchedCompany) -> Check:
        if company.status == "gone":
            return await self._look_again(company)
        domain, snapshot = company.domain, company.snapshot
        web = self.pipeline.web_for(self.run)
        if web is None or not snapshot.watch:  # nothing to re-read: a directory-only monitor
            return Check(domain=domain, outcome="unchanged")
        pages = watched_this_tick(snapshot, self.tick, self.policy.recheck_every, domain)
        results = [await web.fetcher.fetch(page.url) for page in pages]
        if (why := gone_reason(results[0])) is not None:
            return self._failed(company, results[0], *why)
        reads = [f"{p.url}: {_said(r, p)}" for r, p in zip(results, pages, strict=True)]
        recovered = company.failures > 0  # it answers again: the count of bad days starts over
        if all(unchanged(r, p) for r, p in zip(results, pages, strict=True)):
            check = Check(domain=domain, outcome="unchanged", reads=reads)
            if self._emails_due(snapshot):
                check = await self._emails_again(domain, snapshot)
            if recovered and check.health is None:
                check.health = company.model_copy(update={"failures": 0, "failing_since": None})
            return check.model_copy(update={"reads": reads})
        check = await self._research_again(domain, snapshot)
        return check.model_copy(update={"reads": reads})

    def _failed(self, company: WatchedCompany, result: FetchResult, reason: str, detail: str) -> Check:
        """A site that failed: closed at once when it says so (the name no longer resolves, 404,
        410); unreachable only after ``unreachable_after`` failed ticks in a row, failing before."""
        domain, snapshot = company.domain, company.snapshot
        since = company.failing_since or datetime.now(UTC)
        failures = company.failures + 1
        if reason == "unreachable":
            if failures < self.policy.unreachable_after:
                failing = FailingCompany(domain=domain, name=snapshot.name, failures=failures, since=since,
                                         detail=f"failing since {since:%Y-%m-%d} ({detail})")  # fmt: skip
                health = company.model_copy(update={"failures": failures, "failing_since": since})
                return Check(domain=domain, outcome="failing", failing=failing, health=health)
            detail = f"{detail}, {failures} ticks in a row since {since:%Y-%m-%d}"
        gone = GoneCompany(domain=domain, name=snapshot.name, reason=reason, detail=detail,
                           evidence=Evidence(url=result.url, quote=detail, source="recheck"))  # fmt: skip
        health = company.model_copy(update={
            "status": "gone", "failures": failures, "failing_since": since, "gone_checks": 0,
            "next_check_tick": self.tick + FIRST_LOOK, "gone_reason": reason,
        })  # fmt: skip
        return Check(domain=domain, outcome="gone", gone=gone, snapshot=snapshot, health=health)

    async def _look_again(self, company: WatchedCompany) -> Check:
        """A gone company in its turn: its site asked once; when it answers, researched again, and
        reported back if it matches. Otherwise it waits twice as long as last time (at most
        ``max_backoff`` ticks)."""
        domain, snapshot = company.domain, company.snapshot
        web = self.pipeline.web_for(self.run)
        wait = min(FIRST_LOOK * 2 ** (company.gone_checks + 1), self.policy.max_backoff)
        later = company.model_copy(update={"gone_checks": company.gone_checks + 1, "next_check_tick": self.tick + wait})
        still = Check(domain=domain, outcome="still_gone", health=later)
        if web is None:
            return still
        first = (snapshot.watch[:1] or [WatchedPage(url=snapshot.website or f"http://{domain}/")])[0]
        result = await web.fetcher.fetch(first.url)
        reads = [f"{first.url}: {_said(result, first)}"]
        if not result.ok and result.error is not None:
            return still.model_copy(update={"reads": reads})
        if company.gone_reason == "no_longer_matches" and unchanged(result, first):
            return still.model_copy(update={"reads": reads})  # the page that told it has not changed
        check = await self._research_again(domain, snapshot)
        if check.outcome == "gone" or check.snapshot is None:
            return still
        proof = _proof(check.snapshot, "pms") or Evidence(
            url=result.final_url, quote="the site answers", source="recheck"
        )
        back = BackCompany(domain=domain, name=check.snapshot.name, evidence=proof,
                           detail=f"answers and matches again after {company.gone_checks + 1} look(s)")  # fmt: skip
        health = WatchedCompany(domain=domain, snapshot=check.snapshot, first_run_id=company.first_run_id)
        return check.model_copy(update={"outcome": "back", "back": back, "health": health})

    def _emails_due(self, snapshot: Snapshot) -> bool:
        if self.pipeline.checker is None or not any(c.email for c in snapshot.contacts):
            return False
        last = snapshot.emails_checked_at
        return last is None or datetime.now(UTC) - last >= timedelta(days=self.policy.email_days)

    async def _emails_again(self, domain: str, snapshot: Snapshot) -> Check:
        """Every known contact's email verified again (their pages did not change, their mailboxes may)."""
        assert self.pipeline.checker is not None
        contacts: list[KnownContact] = []
        for person in snapshot.contacts:
            if person.email:
                verdict = await self.pipeline.checker.check(person.email)
                person = person.model_copy(update={"email_status": verdict.label})
            contacts.append(person)
        new = snapshot.model_copy(update={"contacts": contacts, "emails_checked_at": datetime.now(UTC)})
        changes = compare(domain, snapshot, new)
        health = WatchedCompany(domain=domain, snapshot=new)
        return Check(domain=domain, outcome="changed" if changes else "unchanged", changes=changes, snapshot=new,
                     health=health)  # fmt: skip

    async def _research_again(self, domain: str, old: Snapshot) -> Check:
        company = _company(domain, old, self.run.id)
        facts = await self.pipeline.researcher_for(self.run).research(self.run, company, self.criteria)
        search = await self.pipeline.contacts_for(self.run).find(self.run, company)
        new = snapshot_of(
            company.model_copy(update={"verdicts": facts.verdicts}),
            facts,
            known_contacts(search, self.run.contacts_max),
        ).model_copy(update={"emails_checked_at": datetime.now(UTC)})
        changes = compare(domain, old, new)
        failed = [v for v in facts.verdicts if v.verdict == Verdict.FALSE]
        if failed:
            why = "; ".join(f"{v.criterion}: {v.detail}" for v in failed)
            evidence = next((e for v in failed for e in v.evidence), None)
            gone = GoneCompany(
                domain=domain, name=old.name, reason="no_longer_matches", detail=why[:300], evidence=evidence
            )
            health = WatchedCompany(domain=domain, status="gone", snapshot=new, next_check_tick=self.tick + FIRST_LOOK,
                                    gone_reason="no_longer_matches")  # fmt: skip
            return Check(domain=domain, outcome="gone", gone=gone, changes=changes, snapshot=new, health=health)
        # pages changed but the facts may not have: the snapshot is kept anyway, so the same
        # changed page does not send the company back to research at every tick
        health = WatchedCompany(domain=domain, snapshot=new)
        outcome: Literal["changed", "unchanged"] = "changed" if changes else "unchanged"
        return Check(domain=domain, outcome=outcome, changes=changes, snapshot=new, health=health)


def known_contacts(search: ContactSearch, most: int) -> list[KnownContact]:
    """The decision makers a run would keep (the most senior ``most``), as the snapshot keeps them."""
    return [KnownContact.of(c) for c in search.contacts[:most]]


def compare(domain: str, old: Snapshot, new: Snapshot) -> list[Change]:
    """What changed that a seller cares about: the PMS, the unit count, the decision makers and
    their mailboxes; each with the evidence read today."""
    changes: list[Change] = []

    def add(field: str, before: object, after: object, evidence: Evidence | None) -> None:
        changes.append(Change(domain=domain, name=new.name, field=field, old=before, new=after, evidence=evidence))

    if new.pms != old.pms and new.pms:
        add("pms", old.pms, new.pms, _proof(new, "pms"))
    if new.units is not None and old.units is not None and new.units != old.units:
        add("units", old.units, new.units, _proof(new, "units_min") or _proof(new, "units_max"))
    before = {c.full_name.lower(): c for c in old.contacts}
    after = {c.full_name.lower(): c for c in new.contacts}
    for name, person in after.items():
        if name not in before:
            add("contact_added", None, person.full_name, person.evidence)
        elif _invalid(person) and not _invalid(before[name]):
            add("email_invalid", before[name].email, person.email, person.evidence)
    for name, person in before.items():
        if name not in after:
            page = person.evidence.url if person.evidence else None
            add(
                "contact_gone",
                person.full_name,
                None,
                Evidence(url=page, quote=f"{person.full_name} is no longer listed", source="recheck"),
            )
    return changes


def _proof(snapshot: Snapshot, criterion: str) -> Evidence | None:
    return next((e for v in snapshot.verdicts if v.criterion == criterion for e in v.evidence), None)


def _invalid(contact: KnownContact) -> bool:
    return (contact.email_status or "").startswith("invalid")


def _company(domain: str, snapshot: Snapshot, run_id: UUID) -> Company:
    return Company(
        id=snapshot.company_id or uuid4(), run_id=run_id, batch_no=None, status="validated",
        research_status="pending", contacts_status="pending", created_at=datetime.now(UTC),
        name=snapshot.name, domain=domain, website=snapshot.website, city=snapshot.city, state=snapshot.state,
        discovery_source="monitor", verdicts=snapshot.verdicts,
    )  # fmt: skip
