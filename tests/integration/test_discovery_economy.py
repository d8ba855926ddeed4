"""What discovery reads before it knows a candidate is worth it: directory profiles are read only
when verification reaches them, a company two directories list is read once, and a search result
that places itself in another metro is never opened. Real HTTP to the sandbox, real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from leadscout.criteria import parse_criteria
from leadscout.db.store import Store
from leadscout.pipeline.list_pages import is_profile_key, profile_key
from leadscout.pipeline.runs import create_run
from leadscout.pipeline.web_source import LISTED_AGAIN, REVIVED, Batch, WebSource, WebTools
from leadscout.research.web.fetch import Fetcher, FetchPolicy
from leadscout.research.web.http import make_client
from leadscout.research.web.search import SearxngProvider
from leadscout.sandbox.faults import LatencyProfile
from leadscout.sandbox.server import SandboxServer
from leadscout.sandbox.world import DIRECTORY_HOSTS

pytestmark = pytest.mark.integration


@pytest.fixture
def metered() -> Iterator[SandboxServer]:
    with SandboxServer(seed=7, timeout_seconds=2, latency=LatencyProfile(search=0, fetch=(0, 0))) as server:
        yield server


async def test_directory_profiles_are_read_only_when_verification_reaches_them(
    metered: SandboxServer, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in metered.env().items():
        monkeypatch.setenv(key, value)
    criteria = parse_criteria({"quantity": 4, "cities": ["Austin"], "state": "TX"})
    run = await create_run(store, criteria, batch_size=4, options={"sources": ["web"]})
    async with make_client(timeout=2) as client:
        tools = WebTools(SearxngProvider(metered.url, client), Fetcher(client, FetchPolicy(politeness_delay=0)))
        source = WebSource(store, tools)
        result = await source.find(run, criteria, 4)
        while not any(is_profile_key(r["domain"]) for r in await store.candidate_stats(run.id)):
            searched = await source._search_next(run, criteria, Batch(4))
            assert searched, "no directory page was ever listed"
            await source._propose_searched(run, criteria, searched)
    meter = metered.app.latency
    assert meter is not None
    rows = await store.candidate_stats(run.id)
    profiles = [r for r in rows if is_profile_key(r["domain"])]
    profile_reads = [k for k in meter.paths if k.split("/", 1)[0] in DIRECTORY_HOSTS and "/company/" in k]
    assert profiles, "the directories' profiles were proposed as candidates"
    assert len(profile_reads) < len(profiles), "profiles were read before verification needed them"
    # a profile that was read became its company's own domain (or a duplicate of one already seen)
    world_domains = {c.domain for c in metered.world.companies}
    accepted = [r for r in rows if r["status"] == "accepted"]
    assert len(result.companies) == 4 and all(r["domain"] in world_domains for r in accepted)
    truth = {c.domain: c for c in metered.world.companies}
    assert all(truth[c.domain].metro == "Austin" for c in result.companies)
    # two directories listing one company: the second listing is not read
    repeated = [r for r in rows if any("listed again" in reason for reason in r["reasons"] or [])]
    assert repeated and all(r["fetches"] == 0 for r in repeated)
    # a list page of another metro (its title says so) is never opened
    assert not [k for k in meter.paths if k.split("/", 1)[0] in DIRECTORY_HOSTS and "/dallas" in k]
    elsewhere = [r for r in rows if r["fetches"] == 0 and "another metro" in " ".join(r["reasons"] or [])]
    assert elsewhere, "no result was rejected from its listing alone"


async def test_a_directory_is_read_a_page_at_a_time_as_far_as_the_batch_needs(
    metered: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch wanting two companies reads a directory's first page, not its seven; the next
    batch, which knows those companies, reads on into the next pages."""
    from leadscout.pipeline.list_pages import ListReader

    for key, value in metered.env().items():
        monkeypatch.setenv(key, value)
    host = sorted(DIRECTORY_HOSTS)[0]
    listing = f"http://{host}/tx/austin/"
    async with make_client(timeout=2) as client:
        reader = ListReader(Fetcher(client, FetchPolicy(politeness_delay=0)))
        everything = await reader.list_page(listing, read_profiles=False)
        meter = metered.app.latency
        assert meter is not None
        all_pages = {k for k in meter.paths if k.startswith(f"{host}/tx/austin")}
        assert len(all_pages) >= 3, "the directory is paginated"
    async with make_client(timeout=2) as client:
        reader = ListReader(Fetcher(client, FetchPolicy(politeness_delay=0)))
        before = dict(meter.paths)
        first = await reader.list_page(listing, read_profiles=False, enough=6)
        read = {k for k, n in meter.paths.items() if k.startswith(f"{host}/tx/austin") and n > before.get(k, 0)}
        assert len(read) == 1 and len(first) >= 6  # one page named enough
        before = dict(meter.paths)
        more = await reader.list_page(listing, read_profiles=False, enough=6, known=frozenset(first))
        read = {k for k, n in meter.paths.items() if k.startswith(f"{host}/tx/austin") and n > before.get(k, 0)}
    assert len(read - {f"{host}/tx/austin/"}) >= 1 and len(more.keys() - first.keys()) >= 6
    assert set(more) <= set(everything)


async def test_a_list_asked_again_reads_its_middle_pages_from_the_cache_while_its_ends_are_unchanged(
    metered: SandboxServer, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A monitor's tick asks each directory again. While a list's first page (it states the count)
    and its last page say what they said, the pages between come from the cache, and the list
    names the same companies; a listing added the next day shows at both ends, and that list is
    read in full again."""
    from leadscout.pipeline.list_pages import ListReader
    from leadscout.research.web.cache import PgPageCache

    for key, value in metered.env().items():
        monkeypatch.setenv(key, value)
    meter = metered.app.latency
    assert meter is not None
    listings = [f"http://{host}/oh/columbus/" for host in sorted(DIRECTORY_HOSTS)]

    not_modified: list[int] = []

    async def read_lists() -> tuple[list[dict[str, tuple[str, str, str]]], dict[str, set[str]]]:
        before = dict(meter.paths)
        async with make_client(timeout=2) as client:
            cache = PgPageCache(store)
            fetcher = Fetcher(client, FetchPolicy(politeness_delay=0, revalidate=True), cache=cache)
            found = [await ListReader(fetcher).list_page(url, read_profiles=False) for url in listings]
            await cache.flush()
        not_modified.append(fetcher.stats["not_modified"])
        asked = {k for k, n in meter.paths.items() if n > before.get(k, 0) and "/oh/columbus" in k}
        return found, {url: {k for k in asked if k.startswith(url.split("//")[1])} for url in listings}

    first, asked_first = await read_lists()
    assert all(len(pages) >= 3 for pages in asked_first.values()), "every list has pages between its ends"
    again, asked_again = await read_lists()
    assert again == first
    assert all(len(asked_again[url]) == 2 for url in listings), asked_again  # its first page and its last
    assert not_modified == [0, 2 * len(listings)]  # both asked "changed since?" with the ETag: 304, no body
    metered.move_to(1)  # a company is listed on two of the Columbus directories
    moved, asked_moved = await read_lists()
    grown = [url for url, before, after in zip(listings, first, moved, strict=True) if len(after) > len(before)]
    assert len(grown) == 2
    assert all(asked_moved[url] == asked_first[url] or len(asked_moved[url]) > 2 for url in grown)
    assert all(moved[i].keys() >= first[i].keys() for i in range(len(listings)))


async def test_a_run_running_dry_reads_the_profiles_it_set_aside_and_takes_a_namesake_firm(
    metered: SandboxServer, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two firms called Lone Star Management in Austin, at different addresses: the directory
    profile of the second was set aside unread as the first listed again; once the search runs
    dry it is read, and the second firm is verified and taken."""
    for key, value in metered.env().items():
        monkeypatch.setenv(key, value)
    first, second = (metered.world.by_domain[d] for d in ("lonestarmanagementco24.com", "lonestarmanagementco.com"))
    assert first.name == second.name and first.city == second.city and first.zip != second.zip
    criteria = parse_criteria({"quantity": 2, "cities": ["Austin"], "state": "TX"})
    run = await create_run(store, criteria, batch_size=2, options={"sources": ["web"]})
    profile = f"http://www.rentalmanagerguide.org/company/{second.slug}"
    await store.add_candidate(run.id, first.domain, first.name, first.website, "search:test", seq=1)
    await store.add_candidate(
        run.id, profile_key(profile), second.name, profile, "list:www.rentalmanagerguide.org", "duplicate",
        [f"{LISTED_AGAIN}{first.name} ({first.domain})"], seq=2,
    )  # fmt: skip
    async with make_client(timeout=2) as client:
        tools = WebTools(SearxngProvider(metered.url, client), Fetcher(client, FetchPolicy(politeness_delay=0)))
        source = WebSource(store, tools)
        batch = await source.open_batch(run, 2)
        await source.verify_pending(run, criteria, batch)
        assert [c.domain for c in batch.accepted] == [first.domain]
        assert await store.revive_unread_repeats(run.id, LISTED_AGAIN, REVIVED) == 1
        assert await store.revive_unread_repeats(run.id, LISTED_AGAIN, REVIVED) == 0, "a profile is revived once"
        await source.verify_pending(run, criteria, batch)
    assert [c.domain for c in batch.accepted] == [first.domain, second.domain]
    statuses = {r["domain"]: r["status"] for r in await store.candidate_stats(run.id)}
    assert statuses[second.domain] == "accepted"


async def test_a_query_is_searched_deeper_only_while_its_last_page_paid_out(store: Store) -> None:
    """Past the planned pages, a query's next page is planned only when its deepest page read showed
    first a firm the run accepted; a query whose deepest page showed only rejected firms ends there,
    and none goes past the deepest page allowed."""
    from leadscout.pipeline.query_plan import DEEPER_PAGE, DEEPEST_PAGE, PLAN_STEP

    criteria = parse_criteria({"quantity": 4, "cities": ["Austin"], "state": "TX"})
    run = await create_run(store, criteria, batch_size=4, options={"sources": ["web"]})
    plan = [(q, p) for q in ("paying", "dry", "deepest") for p in (1, 2, DEEPER_PAGE)]
    await store.plan_run_queries(run.id, plan + [("deepest", p) for p in range(DEEPER_PAGE + 1, DEEPEST_PAGE + 1)])
    planned = await store.next_run_queries(run.id, 100)
    for row in planned:
        await store.finish_run_query(run.id, row["position"], "done", 10, "searxng")
    positions = {(r["query"], r["page"]): r["position"] for r in planned}
    async with store.pool.connection() as conn:
        for (query, page), status in {
            ("paying", DEEPER_PAGE): "accepted",
            ("dry", DEEPER_PAGE): "rejected",
            ("dry", 1): "accepted",
            ("deepest", DEEPEST_PAGE): "accepted",
        }.items():
            await conn.execute(
                "INSERT INTO pm_pipeline.discovery_candidates (run_id, domain, name, website, found_via, status, seq)"
                " VALUES (%s, %s, %s, %s, 'search', %s, %s)",
                (run.id, f"{query}{page}.com", query, f"http://{query}{page}.com/", status,
                 positions[(query, page)] * PLAN_STEP + 3),
            )  # fmt: skip
    assert await store.productive_deep_queries(run.id, DEEPER_PAGE, DEEPEST_PAGE, PLAN_STEP) == [
        ("paying", DEEPER_PAGE + 1)
    ]
