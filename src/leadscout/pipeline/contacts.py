"""Decision makers from a company's own website, with the best email the evidence allows.

People come from any page where the company names them: team, leadership, about, story and
owner pages (JSON-LD Person, structured cards, running prose), found by the site's links, one
hop further, or its sitemap.
Each person's email is, from best to weakest: the address the site publishes for them; the
domain's pattern learned from the addresses it publishes for others; a name permutation.
Every address is checked by :class:`MailChecker` (MX, then SMTP ``RCPT TO``) and kept only
when a tool produced it and the mail server did not reject it. A LinkedIn URL is kept only
when a search result shows that person's profile."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from leadscout.errors import BudgetExceeded, PermanentError, TransientError
from leadscout.models import Company, ContactSearch, EmailCheck, Evidence, NewContact, Run
from leadscout.research.judge.contacts import UNRANKED, title_rank
from leadscout.research.judge.emails import EmailGuess, guesses, infer_pattern, is_role
from leadscout.research.judge.mailcheck import EmailVerifier
from leadscout.research.read.extract import PageFacts, PersonCard, extract
from leadscout.research.web.fetch import Fetcher, FetchResult
from leadscout.research.web.search import SearchProvider
from leadscout.research.web.sitemap import sitemap_links

log = logging.getLogger(__name__)
_PEOPLE_PAGES = re.compile(
    r"team|leadership|staff|people|meet|about|company|who[\s-]?we[\s-]?are|our[\s-]?story|contact|get[\s-]?in[\s-]?touch|"
    r"reach[\s-]?us|agents|founder|history|mission|owners?|principals?|brokers?|why[\s-]?(?:us|choose)|bios?|"
    r"profiles?|directory|executives?|professionals|crew",
    re.IGNORECASE,
)
MAX_PAGES = 7  # pages read beside the home page
MAX_PERMUTATIONS = 4


def _people_links(facts: PageFacts, host: str | None) -> list[str]:
    """Same-site links to the pages where a company names its people."""
    return [
        link.url
        for link in facts.links
        if urlsplit(link.url).hostname == host
        and (_PEOPLE_PAGES.search(urlsplit(link.url).path) or _PEOPLE_PAGES.search(link.text))
    ]


def _decision_makers(people: dict[str, tuple[PersonCard, FetchResult]]) -> int:
    return sum(1 for person, _ in people.values() if title_rank(person.title) != UNRANKED)


@dataclass
class SitePeople:
    people: list[tuple[PersonCard, FetchResult]]
    published: set[str]  # every address any crawled page shows
    pattern: str | None
    pages_read: list[str]
    pages_closed: list[str]  # pages its robots.txt closes to us: never read


@dataclass
class WebContactSource:
    fetcher: Fetcher
    checker: EmailVerifier | None = None
    provider: SearchProvider | None = None

    async def find(self, run: Run, company: Company) -> ContactSearch:
        site = await self._read_site(company)
        ranked = sorted(
            ((p, page) for p, page in site.people if title_rank(p.title) != UNRANKED),  # decision makers only
            key=lambda pair: (title_rank(pair[0].title), pair[0].full_name),
        )
        # the ones kept, looked up together (email checks queue per mail domain in the checker): a
        # LinkedIn search each, one after another, was seconds at the end of every run
        chosen = ranked[: run.contacts_max]
        contacts = list(await asyncio.gather(*(self._contact(company, person, page, site) for person, page in chosen)))
        seen = [f"{p.full_name} ({p.title or 'no title'})" for p, _ in site.people]
        return ContactSearch(
            contacts=contacts, pages_read=site.pages_read, people_seen=seen, pages_closed=site.pages_closed
        )

    async def _read_site(self, company: Company) -> SitePeople:
        website = company.website or f"http://{company.domain}/"
        home = await self.fetcher.fetch(website)
        if home.transient:
            raise TransientError(f"{website} answered {home.error}: its team pages are read on a retry")
        if not home.ok:
            return SitePeople([], set(), None, [], [])
        host = urlsplit(home.final_url).hostname
        home_facts = extract(home.final_url, home.text, company.name, own_site=True)
        people: dict[str, tuple[PersonCard, FetchResult]] = {p.full_name.lower(): (p, home) for p in home_facts.people}
        published = set(home_facts.emails)
        targets = _people_links(home_facts, host)
        if len(targets) < 2:  # the links say little (a script-routed menu): the sitemap may say more
            targets += [url for url, words in await sitemap_links(self.fetcher, home.final_url)
                        if _PEOPLE_PAGES.search(words)]  # fmt: skip
        read, closed = [home.final_url], []
        # a person is named on any page about the company (its story, its owners' page), and a
        # team page may hang under "About": a second round follows the links of the first pages
        for _ in range(2):
            chosen = [url for url in dict.fromkeys(targets) if url not in read and url not in closed][
                : MAX_PAGES + 1 - len(read)
            ]
            if not chosen or _decision_makers(people) >= 3:
                break
            pages = await asyncio.gather(*(self.fetcher.fetch(url) for url in chosen))  # in link order
            if failed := next((page for page in pages if page.transient), None):
                raise TransientError(f"{failed.url} answered {failed.error}: the people on it are read on a retry")
            targets = []
            for page in pages:
                if page.error == "robots_disallowed":
                    closed.append(page.url)
                    continue
                read.append(page.final_url if page.ok else page.url)
                if not page.ok:
                    continue
                facts: PageFacts = extract(page.final_url, page.text, company.name, own_site=True)
                published |= set(facts.emails)
                targets += _people_links(facts, host)
                for person in facts.people:
                    people.setdefault(person.full_name.lower(), (person, page))
        on_domain = {e for e in published if e.endswith("@" + company.domain)}
        pairs = [(p.full_name, p.email.lower()) for p, _ in people.values() if p.email and p.email.lower() in on_domain]
        return SitePeople(list(people.values()), on_domain, infer_pattern(pairs), read, closed)

    async def _contact(self, company: Company, person: PersonCard, page: FetchResult, site: SitePeople) -> NewContact:
        own = person.email.lower() if person.email and person.email.lower() in site.published else None
        # side by side: a mail server's answers and a search's take seconds each on the live web
        (email, check, source), linkedin = await asyncio.gather(
            self._email(company, person, own, site.pattern), self._linkedin(company, person)
        )
        quote = ", ".join(p for p in (person.full_name, person.title, own) if p)
        evidence = [
            Evidence(
                url=page.final_url,
                quote=quote[:300],
                source=f"team_page:{person.source}",
                fetched_at=page.fetched_at,
                content_hash=page.content_hash,
            )
        ]
        if linkedin is not None:
            evidence.append(linkedin)
        return NewContact(
            full_name=person.full_name,
            title=person.title,
            seniority=title_rank(person.title),
            email=email,
            email_status=check.label if check and email else ("unverified" if email else None),
            email_source=source,
            email_check=check if email else None,
            linkedin_url=linkedin.url if linkedin else None,
            source="website",
            evidence=evidence,
        )

    async def _email(
        self, company: Company, person: PersonCard, own: str | None, pattern: str | None
    ) -> tuple[str | None, EmailCheck | None, str | None]:
        if own is not None and not is_role(own):
            check = await self.checker.check(own) if self.checker else None
            if check is not None and check.status == "invalid":
                return None, check, None  # published but the server says it no longer exists
            if check is not None and check.reason == "catch_all":
                check = check.model_copy(update={"status": "valid", "reason": "published_on_site"})
            return own, check, "published_on_site"
        if self.checker is None:
            return None, None, None  # no verifier: keep only what the site itself publishes
        tries = guesses(person.full_name, company.domain, pattern, MAX_PERMUTATIONS)
        return await self._first_accepted(tries)

    async def _first_accepted(self, tries: list[EmailGuess]) -> tuple[str | None, EmailCheck | None, str | None]:
        assert self.checker is not None
        for guess in tries:
            check = await self.checker.check(guess.address)
            if check.status == "valid" or (check.reason == "catch_all" and guess.source == "pattern_inferred"):
                return guess.address, check, guess.source
            if check.reason == "catch_all":
                break  # the server accepts anything: a permutation cannot be told apart from a guess
            if check.status != "invalid" or check.reason != "mailbox_unknown":
                break  # no MX, tempfail, unreachable: the other permutations would get the same answer
        return None, None, None

    async def _linkedin(self, company: Company, person: PersonCard) -> Evidence | None:
        if self.provider is None:
            return None
        try:
            results = await self.provider.search(f'"{person.full_name}" {company.name} linkedin')
        except (BudgetExceeded, TransientError, PermanentError) as exc:
            log.info("no LinkedIn search for %s: %s", person.full_name, exc)
            return None  # a LinkedIn URL is a nicety: never worth the budget, a failed search or the run
        name = person.full_name.lower()
        for result in results:
            parts = urlsplit(result.url)
            host = (parts.hostname or "").lower()
            shown = f"{result.title} {result.snippet}".lower()
            profile = (host == "linkedin.com" or host.endswith(".linkedin.com")) and parts.path.startswith("/in/")
            if profile and name in shown and company.name.lower() in shown:
                return Evidence(url=result.url, quote=result.title[:300], source=f"search:{self.provider.name}")
        return None
