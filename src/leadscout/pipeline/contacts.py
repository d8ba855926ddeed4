"""Decision makers from a company's own website: team, leadership and about pages (JSON-LD
Person and structured cards) and contact pages. An email is kept only when the site itself
publishes it (this tool saw it); nothing is guessed here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from leadscout.models import Company, Evidence, NewContact, Run
from leadscout.research.contacts import UNRANKED, title_rank
from leadscout.research.extract import extract
from leadscout.research.fetch import Fetcher

_PEOPLE_PAGES = re.compile(r"team|leadership|staff|people|about|our-company|who-we-are", re.IGNORECASE)


@dataclass
class WebContactSource:
    fetcher: Fetcher

    async def find(self, run: Run, company: Company) -> list[NewContact]:
        website = company.website or f"http://{company.domain}/"
        home = await self.fetcher.fetch(website)
        if not home.ok:
            return []
        site = urlsplit(home.final_url).hostname
        targets = [
            link.url
            for link in extract(home.final_url, home.text).links
            if urlsplit(link.url).hostname == site
            and (_PEOPLE_PAGES.search(urlsplit(link.url).path) or _PEOPLE_PAGES.search(link.text))
        ]
        found: dict[str, NewContact] = {}
        for url in list(dict.fromkeys(targets))[:4]:
            page = await self.fetcher.fetch(url)
            if not page.ok:
                continue
            facts = extract(page.final_url, page.text)
            published = set(facts.emails)
            for person in facts.people:
                email = person.email.lower() if person.email and person.email.lower() in published else None
                key = person.full_name.lower()
                if key in found or title_rank(person.title) == UNRANKED:  # decision makers only
                    continue
                quote = ", ".join(p for p in (person.full_name, person.title, email) if p)
                found[key] = NewContact(
                    full_name=person.full_name,
                    title=person.title,
                    seniority=title_rank(person.title),
                    email=email,
                    email_status="unverified" if email else None,
                    email_source="published_on_site" if email else None,
                    source="website",
                    evidence=[
                        Evidence(
                            url=page.final_url,
                            quote=quote[:300],
                            source=f"team_page:{person.source}",
                            fetched_at=page.fetched_at,
                            content_hash=page.content_hash,
                        )
                    ],
                )
        return sorted(found.values(), key=lambda c: (c.seniority or UNRANKED, c.full_name))
