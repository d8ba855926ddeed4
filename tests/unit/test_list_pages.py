"""What discovery decides about list pages before reading further: which of a list's pages to read
next (every numbered page at once, else the next one), and which unread directory profiles repeat
a company the run already has."""

from __future__ import annotations

import asyncio

from leadscout.pipeline.list_pages import (
    Listing,
    ListReader,
    Sighting,
    following_page,
    is_profile_key,
    listing_key,
    may_list_companies,
    page_number,
    repeated_profiles,
)
from leadscout.research.read.extract import extract
from leadscout.research.web.fetch import FetchResult


def test_the_page_after_a_numbered_list_page() -> None:
    assert following_page("https://dir.example/tx/austin/?page=2") == "https://dir.example/tx/austin/?page=3"
    assert (
        following_page("https://dir.example/tx/austin/?sort=name&p=9")
        == "https://dir.example/tx/austin/?sort=name&p=10"
    )
    assert following_page("https://blog.example/managers/page/3/") == "https://blog.example/managers/page/4/"
    assert following_page("https://dir.example/tx/austin/") is None
    assert following_page("https://dir.example/tx/austin/?page=last") is None


def _profile(name: str, city: str, seq: int, host: str = "dir.example") -> Sighting:
    slug = name.lower().replace(" ", "-")
    url = f"https://{host}/company/{slug}"
    return Sighting(url, name, f"list:{host}", seq, Listing("https://dir.example/tx/austin/", f"{name} {city}"), True)


def test_a_search_result_is_read_as_a_list_unless_it_is_a_home_page_that_names_no_list() -> None:
    assert may_list_companies("https://dir.example/tx/austin/", "Austin property managers")
    assert may_list_companies("https://blog.example/2026/austin-managers", "Our favourite managers")
    assert may_list_companies("https://www.pmdirectory.example/", "PM Directory: compare local managers")
    assert may_list_companies("https://austin.example", "Top 10 Property Management Companies in Austin")
    assert not may_list_companies("https://www.oakpm.example/", "Oak Property Management | Austin, TX")
    assert not may_list_companies("https://oakpm.example", "Oak Property Management Company")


def test_a_profile_of_a_company_already_seen_is_not_read() -> None:
    direct = Sighting("https://acme-pm.com/", "Acme Property Management", "list:hub", 5,
                      Listing("https://hub.example/", "Acme Property Management Austin, TX"))  # fmt: skip
    again = _profile("Acme Property Management", "Austin, TX", 1)
    other_city = _profile("Acme Property Management", "Dallas, TX", 2, host="other.example")
    twice = [_profile("Birch Rentals", "Austin, TX", 3), _profile("Birch Rentals", "Austin, TX", 4, host="b.example")]
    known = {("summit realty", "austin, tx"): "summitrealty.com"}
    summit = _profile("Summit Realty", "Austin, TX", 6)
    repeated = repeated_profiles([direct, again, other_city, *twice, summit], known)
    # the company's own site wins over its profile, the first profile over a later one, the run's
    # candidate over any new sighting; a namesake listed in another city is another company
    assert set(repeated) == {again, twice[1], summit}
    assert "acme-pm.com" in repeated[again] and "summitrealty.com" in repeated[summit]
    assert is_profile_key(again.key) and not is_profile_key(direct.key)


def test_a_list_page_and_its_numbered_pages_are_one_list() -> None:
    assert page_number("https://dir.example/tx/austin/?page=3") == ("dir.example/tx/austin?", 3)
    assert page_number("https://blog.example/managers/page/3/") == ("blog.example/managers?", 3)
    assert page_number("https://dir.example/tx/austin/") is None
    for url in ("https://dir.example/tx/austin/", "https://dir.example/tx/austin/?page=4"):
        assert listing_key(url) == "dir.example/tx/austin?"
    assert listing_key("https://blog.example/managers/") == page_number("https://blog.example/managers/page/2/")[0]
    assert listing_key("https://dir.example/tx/dallas/?page=2") != listing_key("https://dir.example/tx/austin/")


class _Fetches:
    def __init__(self) -> None:
        self.urls: list[str] = []

    async def fetch(self, url: str) -> FetchResult:
        self.urls.append(url)
        return FetchResult(url=url, final_url=url, error="not_in_cache")


def _source() -> tuple[ListReader, _Fetches]:
    fetches = _Fetches()
    return ListReader(fetcher=fetches), fetches  # type: ignore[arg-type]


async def test_every_numbered_page_a_pager_links_is_read_at_once() -> None:
    # a WordPress-style pager: a window of numbers, an ellipsis, the last page, Next
    html = (
        "<html><body><h1>Property managers</h1><nav class='nav-links'><span aria-current='page'>1</span>"
        "<a class='page-numbers' href='/managers/page/2/'>2</a> <a href='/managers/page/3/'>3</a> &hellip; "
        "<a href='/managers/page/9/'>9</a> <a class='next' href='/managers/page/2/'>Next &raquo;</a></nav>"
        "<a href='https://other.example/page/2/'>2</a></body></html>"
    )
    source, fetches = _source()
    first = extract("https://blog.example/managers/", html)
    seen = {first.url}
    ahead: list[asyncio.Task[object]] = []
    more = source._more_pages(first, seen, ahead)
    assert more == [f"https://blog.example/managers/page/{n}/" for n in (2, 3, 9)]
    assert not ahead and seen >= set(more)
    # page 2 links 4 and 5 as well: only the unread ones are read, up to the cap of the list
    second = extract(more[0], html.replace("'/managers/page/3/'>3", "'/managers/page/4/'>4").replace("9/'>9", "5/'>5"))
    assert source._more_pages(second, seen, ahead) == [f"https://blog.example/managers/page/{n}/" for n in (4, 5)]
    assert fetches.urls == []


async def test_a_pager_with_only_next_is_followed_with_the_page_after_fetched_ahead() -> None:
    html = "<html><body><p>Page 1 of 7</p><a rel='next' href='?page=2'>Next page</a></body></html>"
    source, fetches = _source()
    first = extract("https://dir.example/tx/austin/", html)
    ahead: list[asyncio.Task[object]] = []
    assert source._more_pages(first, {first.url}, ahead) == ["https://dir.example/tx/austin/?page=2"]
    await asyncio.gather(*ahead)
    assert fetches.urls == ["https://dir.example/tx/austin/?page=3"]
    # the last page of the list links nothing further
    assert source._more_pages(extract(first.url, "<p>Page 7 of 7</p>"), {first.url}, ahead) == []


class _PagedDirectory:
    """A directory of ``pages`` pages, five firms each, chained by "Next" links; from ``repeat_from``
    on, every page lists the first page's firms again (a pager that goes nowhere)."""

    def __init__(self, pages: int, repeat_from: int | None = None) -> None:
        self.pages, self.repeat_from = pages, repeat_from
        self.urls: list[str] = []

    def html(self, n: int) -> str:
        shown = 1 if self.repeat_from is not None and n >= self.repeat_from else n
        firms = "".join(
            f"<li><a href='https://firm{shown}x{i}pm.com/'>Firm {shown}-{i} Property Management</a></li>"
            for i in range(5)
        )
        more = f"<a rel='next' href='?page={n + 1}'>Next page</a>" if n < self.pages else ""
        return f"<html><body><h1>Property managers in Austin</h1><ul>{firms}</ul>{more}</body></html>"

    async def fetch(self, url: str) -> FetchResult:
        self.urls.append(url)
        n = int(url.rsplit("=", 1)[1]) if "page=" in url else 1
        return FetchResult(url=url, final_url=url, status=200, ok=True, text=self.html(n))


async def test_a_long_directory_is_read_to_its_last_page() -> None:
    # 12 pages: a metro's directory is longer than a few pages, and the firms on its last page are candidates too
    directory = _PagedDirectory(12)
    listed = await ListReader(fetcher=directory).list_page("https://pmdir-hub.com/tx/austin/")  # type: ignore[arg-type]
    assert len(listed) == 60
    assert "firm12x4pm.com" in listed


async def test_a_pager_whose_pages_name_no_new_firm_is_left_there() -> None:
    directory = _PagedDirectory(40, repeat_from=4)
    listed = await ListReader(fetcher=directory).list_page("https://pmdir-hub.com/tx/austin/")  # type: ignore[arg-type]
    assert len(listed) == 15  # pages 1-3; page 4 repeats page 1
    assert len(set(directory.urls)) <= 6  # page 4, and the one fetched ahead of it, then no further
