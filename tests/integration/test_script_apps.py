"""Sites that are script apps (the wild sandbox's JS-only sites: an empty root, a bundle that puts
in the content, links, portal and team cards): without a browser they are unknown(needs_browser),
never false; with the render extra they are read like any other site. Over the sandbox's real
HTTP proxy, with the system's headless Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from leadscout.criteria import parse_criteria
from leadscout.db.store import Store
from leadscout.models import Verdict
from leadscout.pipeline.contacts import WebContactSource
from leadscout.research.judge.verify import verify_company
from leadscout.research.web import render
from leadscout.research.web.appshell import needs_browser
from leadscout.research.web.cache import PgPageCache
from leadscout.research.web.fetch import Fetcher, FetchPolicy
from leadscout.research.web.http import make_client
from leadscout.sandbox import wild
from leadscout.sandbox.server import SandboxServer
from leadscout.sandbox.world import WorldCompany
from tests.integration.test_contacts_and_mail import a_run, as_company

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=7, style="wild", timeout_seconds=3) as server:
        yield server


@pytest.fixture
def app_site(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> WorldCompany:
    for key, value in sandbox.env().items():
        monkeypatch.setenv(key, value)
    return next(
        c for c in sandbox.world.companies
        if wild.js_only(c) and c.health == "ok" and c.kind == "property_manager" and c.pms and c.look
        and c.look.portal not in ("text_only", "script_widget") and not wild.bot_wall(c) and not wild.team_closed(c)
    )  # fmt: skip


def test_the_shell_is_seen_for_what_it_is(sandbox: SandboxServer, app_site: WorldCompany) -> None:
    status, shell, _ = wild.company_page(app_site, "/")
    assert status == 200 and needs_browser(shell)
    served = [c for c in sandbox.world.companies if c.look and c.look.template == "react" and not wild.js_only(c)]
    assert served and not any(needs_browser(wild.company_page(c, "/")[1]) for c in served[:20])


@pytest.fixture
async def client(app_site: WorldCompany) -> AsyncIterator[Any]:
    async with make_client(timeout=5) as http:
        yield http


async def test_without_a_browser_a_script_app_is_unknown_never_false(app_site: WorldCompany, client: Any) -> None:
    criteria = parse_criteria({"quantity": 5, "state": app_site.state, "pms": [app_site.pms]})
    fetcher = Fetcher(client, FetchPolicy(timeout=5, politeness_delay=0))
    found = await verify_company(fetcher, app_site.website, app_site.name, criteria)
    assert not found.accepted and found.reasons == ["unknown (needs_browser)"]
    assert [(v.criterion, v.verdict) for v in found.verdicts] == [("reachable", Verdict.UNKNOWN)]
    assert found.pms.verdict != "none"


@pytest.mark.skipif(not (render.available() and render.chromium_path()), reason="no Playwright or Chromium here")
async def test_with_the_render_extra_a_script_app_is_read_like_any_site(
    sandbox: SandboxServer, app_site: WorldCompany, client: Any
) -> None:
    criteria = parse_criteria({"quantity": 5, "state": app_site.state, "pms": [app_site.pms]})
    renderer = render.Renderer(proxy=sandbox.url, executable=render.chromium_path(), budget=12)
    try:
        fetcher = Fetcher(client, FetchPolicy(timeout=5, politeness_delay=0), renderer=renderer)
        found = await verify_company(fetcher, app_site.website, app_site.name, criteria)
        assert found.accepted, found.reasons
        pms = next(v for v in found.verdicts if v.criterion == "pms")
        assert pms.verdict == Verdict.TRUE and pms.evidence
        people = await WebContactSource(fetcher).find(a_run(), as_company(app_site))
        seen = {name.split(" (")[0] for name in people.people_seen}
        assert seen and seen <= {p.full_name for p in app_site.people}  # its team cards, put in by its script
        assert fetcher.stats["rendered"] >= 2
    finally:
        await renderer.close()


@pytest.mark.skipif(not (render.available() and render.chromium_path()), reason="no Playwright or Chromium here")
async def test_the_browser_asks_the_site_only_for_what_the_text_needs(app_site: WorldCompany) -> None:
    """The shell already fetched is handed to the browser, stylesheets, images and fonts are never
    asked for, and a bundle is fetched once: a script app's pages cost one request in all, not
    four each."""
    from leadscout.sandbox.faults import LatencyProfile

    with SandboxServer(seed=7, style="wild", latency=LatencyProfile(search=0, fetch=(0, 0))) as server:
        site = server.world.by_domain[app_site.domain]
        _, shell, _ = wild.company_page(site, "/")
        renderer = render.Renderer(proxy=server.url, executable=render.chromium_path())
        try:
            dom = await renderer.render(site.website, shell)
            again = await renderer.render(site.website, shell)
        finally:
            await renderer.close()
        assert dom is not None and not needs_browser(dom) and site.name in dom and again == dom
        meter = server.app.latency
        assert meter is not None
        asked = dict(meter.paths)  # Chromium's own traffic (update checks, sign-in) included
    host = urlsplit(site.website).netloc
    assert asked and all(key.startswith(host) and key.endswith(".js") and n == 1 for key, n in asked.items()), asked


@pytest.mark.skipif(not (render.available() and render.chromium_path()), reason="no Playwright or Chromium here")
async def test_a_rendered_page_is_cached_as_itself_for_the_other_workers(
    sandbox: SandboxServer, app_site: WorldCompany, client: Any, store: Store
) -> None:
    """Every route of a script app is the same shell: the page cache keeps each page's DOM under
    the DOM's own hash, so another worker reading "/team" from the cache gets the team, not the
    first page rendered."""
    renderer = render.Renderer(proxy=sandbox.url, executable=render.chromium_path())
    try:
        worker = Fetcher(
            client, FetchPolicy(timeout=5, politeness_delay=0), cache=PgPageCache(store), renderer=renderer
        )
        team = wild.PATHS[app_site.look.template]["team"] if app_site.look else "/"
        pages = [f"{app_site.website}{path.lstrip('/')}" for path in ("/", team)]
        rendered = [await worker.fetch(url) for url in pages]
        await worker.cache.flush()  # type: ignore[union-attr]
    finally:
        await renderer.close()
    assert all(r.rendered for r in rendered) and rendered[0].text != rendered[1].text
    other = Fetcher(client, FetchPolicy(timeout=5, politeness_delay=0), cache=PgPageCache(store))
    again = [await other.fetch(url) for url in pages]
    assert all(r.from_cache for r in again)
    assert [r.text for r in again] == [r.text for r in rendered]
    assert any(p.full_name in again[1].text for p in app_site.people)
