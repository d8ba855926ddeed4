"""A bot wall is not the company's site: the fetcher asks once more, politely, then leaves the host
alone; verification says unknown(bot_protection), never "no PMS"; and a run never delivers such a
company. Over real sockets: a challenge server of our own, and the wild sandbox's protected sites."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from leadscout.criteria import parse_criteria
from leadscout.models import Verdict
from leadscout.research.judge.verify import verify_company
from leadscout.research.web.fetch import Fetcher, FetchPolicy
from leadscout.research.web.http import make_client
from leadscout.sandbox import wild
from leadscout.sandbox.server import SandboxServer
from leadscout.serving import ThreadedServer

pytestmark = pytest.mark.integration


class Walled:
    """Every path is Cloudflare's challenge; each request is counted."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        self.hits[scope["path"]] += 1
        status, body, headers = wild.challenge_page("cloudflare")
        if scope["path"] == "/robots.txt":
            status, body, headers = 200, "User-agent: *\nAllow: /\n", {}
        raw = [(b"content-type", b"text/html")] + [(k.encode(), v.encode()) for k, v in headers.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body.encode()})


async def test_a_wall_gets_one_polite_retry_and_its_host_is_left_alone() -> None:
    app = Walled()
    with ThreadedServer(app) as server:
        async with make_client(timeout=3) as client:
            policy = FetchPolicy(politeness_delay=0, wall_retry_delay=0.05, allow_hosts=frozenset({"127.0.0.1"}))
            fetcher = Fetcher(client, policy)
            home = await fetcher.fetch(f"{server.url}/")
            about = await fetcher.fetch(f"{server.url}/about")
    assert (home.ok, home.error, home.wall, home.attempts) == (False, "bot_protection", "cloudflare", 2)
    assert not home.transient  # the job is not retried: a wall does not fall by asking harder
    assert (about.error, app.hits["/about"]) == ("bot_protection", 0)  # the host is marked: never asked
    assert app.hits["/"] == 2 and fetcher.stats["bot_walls"] == 1


@pytest.fixture(scope="module")
def wild_sandbox() -> Any:
    with SandboxServer(seed=7, style="wild", timeout_seconds=3) as server:
        yield server


@pytest.mark.parametrize("kind", wild.WALLS)
async def test_a_protected_site_is_unknown_never_false(
    wild_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    for key, value in wild_sandbox.env().items():
        monkeypatch.setenv(key, value)
    company = next(c for c in wild_sandbox.world.companies if wild.bot_wall(c) == kind and c.health == "ok")
    criteria = parse_criteria({"quantity": 5, "state": company.state, "pms": ["appfolio"], "units_min": 50})
    async with make_client(timeout=3) as client:
        fetcher = Fetcher(client, FetchPolicy(timeout=3, politeness_delay=0, wall_retry_delay=0.05))
        found = await verify_company(fetcher, company.website, company.name, criteria)
    assert not found.accepted
    [reachable] = found.verdicts
    assert (reachable.criterion, reachable.verdict) == ("reachable", Verdict.UNKNOWN)
    assert found.reasons == [f"unknown (bot_protection: {'challenge' if kind == 'js_cookie' else kind})"]
    assert found.pms.verdict != "none"  # a challenge page never says "no PMS"
