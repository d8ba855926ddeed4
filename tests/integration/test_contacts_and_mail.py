"""Email verification over real DNS (UDP) and SMTP (TCP) against the sandbox world's servers,
and decision makers found on company websites through the sandbox proxy."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest

from leadscout.errors import TransientError
from leadscout.models import Company, Run, Stage, Status
from leadscout.pipeline.contacts import WebContactSource
from leadscout.research.judge.contacts import UNRANKED, title_rank
from leadscout.research.judge.mailcheck import MailChecker
from leadscout.research.web.fetch import Fetcher, FetchPolicy
from leadscout.research.web.http import make_client
from leadscout.research.web.search import SearxngProvider
from leadscout.sandbox.server import SandboxServer
from leadscout.sandbox.world import WorldCompany

pytestmark = pytest.mark.integration


@pytest.fixture
def checker(sandbox: SandboxServer) -> MailChecker:
    return MailChecker(f"127.0.0.1:{sandbox.mail.dns_port}", sandbox.mail.smtp_port, timeout=5, greylist_delay=0.05)


def pick(sandbox: SandboxServer, **match: Any) -> WorldCompany:
    return next(
        c
        for c in sandbox.world.companies
        if c.health == "ok" and c.kind == "property_manager" and all(getattr(c, k) == v for k, v in match.items())
    )


async def test_mailbox_verdicts_from_real_dns_and_smtp(sandbox: SandboxServer, checker: MailChecker) -> None:
    strict = pick(sandbox, mail_server="strict")
    real = await checker.check(strict.people[0].email)
    assert (real.status, real.code, real.mx) == ("valid", 250, f"mx.{strict.domain}")
    missing = await checker.check(f"no.such.person@{strict.domain}")
    assert (missing.label, missing.code) == ("invalid(mailbox_unknown)", 550)
    assert (await checker.check(f"office@{strict.domain}")).label == "risky(role)"
    catch_all = pick(sandbox, mail_server="catch_all")
    assert (await checker.check(catch_all.people[0].email)).label == "risky(catch_all)"
    tempfail = pick(sandbox, mail_server="tempfail")
    greylisted = tempfail.people[0].email
    assert (await checker.check(greylisted)).label == "unknown(greylisted)"
    assert [a for a, _ in sandbox.mail.handler.rcpt_log].count(greylisted) == 2  # asked once more, then left
    no_mx = pick(sandbox, mail_server="no_mx")
    assert (await checker.check(no_mx.people[0].email)).label == "invalid(no_mx)"
    assert (await checker.check("a@not-in-this-world.com")).label == "invalid(nxdomain)"
    assert real.checked_at <= datetime.now(UTC)
    assert sandbox.mail.handler.messages == []  # verification never sends: RCPT TO, never DATA


async def test_unreachable_mail_server_is_unknown_not_invalid(sandbox: SandboxServer) -> None:
    strict = pick(sandbox, mail_server="strict")
    closed = MailChecker(f"127.0.0.1:{sandbox.mail.dns_port}", 1, timeout=2)  # nothing listens on port 1
    assert (await closed.check(strict.people[0].email)).label == "unknown(unreachable)"


@pytest.fixture
async def contact_source(
    sandbox: SandboxServer, checker: MailChecker, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[WebContactSource]:
    for key, value in sandbox.env().items():
        monkeypatch.setenv(key, value)
    async with make_client(timeout=3) as client:
        fetcher = Fetcher(client, FetchPolicy(timeout=3, politeness_delay=0.0))
        yield WebContactSource(fetcher, checker, SearxngProvider(sandbox.url, client))


def as_company(c: WorldCompany) -> Company:
    return Company(
        id=uuid4(),
        run_id=uuid4(),
        batch_no=1,
        status="validated",
        research_status="done",
        contacts_status="pending",
        created_at=datetime.now(UTC),
        name=c.name,
        domain=c.domain,
        website=c.website,
        discovery_source="test",
    )


def a_run(contacts_max: int = 3) -> Run:
    now = datetime.now(UTC)
    return Run(
        id=uuid4(),
        created_at=now,
        updated_at=now,
        criteria={"quantity": 5},
        target_quantity=1,
        contacts_min=1,
        contacts_max=contacts_max,
        batch_size=1,
        stage=Stage.CONTACT_DISCOVERY,
        status=Status.ACTIVE,
    )


def decision_makers(c: WorldCompany) -> list[str]:
    return [p.full_name for p in c.people if title_rank(p.title) != UNRANKED]


async def test_each_email_comes_from_the_best_evidence_available(
    sandbox: SandboxServer, contact_source: WebContactSource
) -> None:
    cases = {
        "published_on_site": pick(sandbox, email_publishing="all", mail_server="strict"),
        "pattern_inferred": next(
            c
            for c in sandbox.world.companies
            if c.health == "ok"
            and c.email_publishing == "first"
            and c.mail_server == "strict"
            and len(decision_makers(c)) >= 2
            and title_rank(c.people[0].title) != UNRANKED
        ),
        "permutation": pick(sandbox, email_publishing="none", mail_server="strict"),
    }
    for expected_source, world_company in cases.items():
        contacts = (await contact_source.find(a_run(), as_company(world_company))).contacts
        truth = {p.full_name: p for p in world_company.people}
        assert {c.full_name for c in contacts} <= set(decision_makers(world_company))
        sources = {c.email_source for c in contacts if c.email}
        assert expected_source in sources, (expected_source, [(c.full_name, c.email_source) for c in contacts])
        for contact in contacts:
            person = truth[contact.full_name]
            assert contact.title == person.title
            if contact.email:  # every kept address is that person's real one
                assert contact.email == person.email.lower()
                assert contact.email_status == "valid" and contact.email_check is not None
                assert contact.email_check.code == 250


async def test_catch_all_domain_without_published_pattern_keeps_no_guess(
    sandbox: SandboxServer, contact_source: WebContactSource
) -> None:
    world_company = pick(sandbox, email_publishing="none", mail_server="catch_all")
    contacts = (await contact_source.find(a_run(), as_company(world_company))).contacts
    assert contacts, "the team page lists decision makers"
    assert all(c.email is None for c in contacts)  # any permutation would be accepted: none is proof


async def test_linkedin_only_when_a_search_result_shows_the_profile(
    sandbox: SandboxServer, contact_source: WebContactSource
) -> None:
    seen_with = seen_without = shown = 0
    for world_company in [c for c in sandbox.world.companies if c.health == "ok" and c.metro == "Denver"][:12]:
        truth = {p.full_name: p for p in world_company.people}
        for contact in (await contact_source.find(a_run(), as_company(world_company))).contacts:
            person = truth[contact.full_name]
            if person.linkedin:
                seen_with += 1
                assert contact.linkedin_url in (None, person.linkedin_url)
            else:
                seen_without += 1
                assert contact.linkedin_url is None  # never constructed from a name
            if contact.linkedin_url:
                shown += 1
                assert any(e.url == contact.linkedin_url and e.source.startswith("search:") for e in contact.evidence)
    assert seen_with and seen_without and shown


async def test_a_site_failing_for_now_is_retried_not_concluded(
    sandbox: SandboxServer, contact_source: WebContactSource
) -> None:
    failing = next(c for c in sandbox.world.companies if c.health == "error5xx")  # answers 503 to every request
    fetches = contact_source.fetcher.stats["fetches"]
    for _ in range(2):  # the job's retry asks the site again: a 503 is not remembered as the answer
        with pytest.raises(TransientError, match="http_503"):
            await contact_source.find(a_run(), as_company(failing))
    assert contact_source.fetcher.stats["fetches"] == fetches + 2
    parked = next(c for c in sandbox.world.companies if c.health == "parked")
    # answered, with nobody on it: concluded
    assert (await contact_source.find(a_run(), as_company(parked))).contacts == []


@pytest.fixture(scope="module")
def wild_sandbox() -> Any:
    with SandboxServer(seed=7, style="wild", timeout_seconds=3) as server:
        yield server


@pytest.fixture
async def wild_fetcher(wild_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Fetcher]:
    """A fetcher that reads the wild world through its proxy."""
    for key, value in wild_sandbox.env().items():
        monkeypatch.setenv(key, value)
    async with make_client(timeout=3) as client:
        yield Fetcher(client, FetchPolicy(timeout=3, politeness_delay=0.0))


async def test_a_site_whose_menu_is_only_script_is_read_through_its_sitemap(
    wild_sandbox: SandboxServer, wild_fetcher: Fetcher
) -> None:
    from leadscout.research.web.sitemap import sitemap_links
    from leadscout.sandbox import wild

    script_routed = [
        c for c in wild_sandbox.world.companies
        if c.look is not None and c.look.template == "react" and c.health == "ok" and c.kind == "property_manager"
        and "__ROUTES__" in wild.company_page(c, "/")[1]
        and any(title_rank(p.title) != UNRANKED for p in c.people)
    ]  # fmt: skip
    assert script_routed, "the wild world has sites whose links are in script only"
    company = script_routed[0]
    listed = dict(await sitemap_links(wild_fetcher, company.website))
    assert any(url.endswith(wild.PATHS["react"]["team"]) for url in listed)
    search = await WebContactSource(wild_fetcher).find(a_run(), as_company(company))
    ranked = {p.full_name for p in company.people if title_rank(p.title) != UNRANKED}
    assert ranked & {c.full_name for c in search.contacts}
    assert any(page.endswith(wild.PATHS["react"]["team"]) for page in search.pages_read)


async def test_a_team_page_closed_to_robots_is_not_read_and_the_reason_says_so(
    wild_sandbox: SandboxServer, wild_fetcher: Fetcher
) -> None:
    from leadscout.sandbox import wild

    closed = [
        c for c in wild_sandbox.world.companies
        if wild.team_closed(c) and c.health == "ok" and c.kind == "property_manager"
    ]  # fmt: skip
    assert closed, "the wild world has sites whose robots.txt closes their team page"
    company = closed[0]
    team = wild.PATHS[company.look.template]["team"]  # type: ignore[union-attr]
    search = await WebContactSource(wild_fetcher).find(a_run(), as_company(company))
    assert not search.contacts and not search.people_seen
    assert [url for url in search.pages_closed if url.endswith(team)] == [company.website.rstrip("/") + team]  # once
    assert not any(url.endswith(team) for url in search.pages_read)
    assert "closed to robots" in search.why_short()


async def test_only_the_contacts_kept_are_looked_up(sandbox: SandboxServer, contact_source: WebContactSource) -> None:
    """A team of more decision makers than the run keeps: only the best ``contacts_max`` are
    looked up (a LinkedIn search each, run together), not twice as many."""
    world_company = next(
        c
        for c in sandbox.world.companies
        if c.health == "ok" and c.email_publishing == "all" and len(decision_makers(c)) >= 3
    )
    asked: list[str] = []
    provider = contact_source.provider
    assert provider is not None

    class Counted:  # the real provider, over HTTP, with the queries it was asked written down
        name = provider.name

        async def search(self, query: str, page: int = 1) -> list[Any]:
            asked.append(query)
            return await provider.search(query, page)

    contact_source.provider = Counted()  # type: ignore[assignment]
    search = await contact_source.find(a_run(contacts_max=2), as_company(world_company))
    assert len(search.contacts) == 2
    assert {c.full_name for c in search.contacts} <= set(decision_makers(world_company))
    assert len(asked) == 2, asked


async def test_a_contacts_mailbox_and_profile_are_looked_up_side_by_side(
    sandbox: SandboxServer, contact_source: WebContactSource
) -> None:
    """On the live web a mail server's answers and a search's each take seconds: a contact's email
    check does not wait for its LinkedIn search, nor the search for the check. The real checker and
    provider, the check held until the search has begun (one after the other, it never would)."""
    world_company = pick(sandbox, email_publishing="none", mail_server="strict")
    provider, checker = contact_source.provider, contact_source.checker
    assert provider is not None and checker is not None
    searching = asyncio.Event()

    class Searching:
        name = provider.name

        async def search(self, query: str, page: int = 1) -> list[Any]:
            searching.set()
            return await provider.search(query, page)

    class HeldUntilSearching:
        notice = None

        async def check(self, address: str) -> Any:
            await asyncio.wait_for(searching.wait(), timeout=5)
            return await checker.check(address)

    contact_source.provider = Searching()  # type: ignore[assignment]
    contact_source.checker = HeldUntilSearching()  # type: ignore[assignment]
    contacts = (await contact_source.find(a_run(contacts_max=1), as_company(world_company))).contacts
    assert len(contacts) == 1
    assert contacts[0].email_source == "permutation" and contacts[0].email_status == "valid"
