"""A match whose team page is closed to robots is seen at verification, from the robots rules the
home page already needed: discovery then takes it last (its contacts could not be found, and it
would be replaced after its research). Real HTTP to the wild sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from leadscout.criteria import parse_criteria
from leadscout.research.judge.verify import verify_company
from leadscout.research.web.fetch import Fetcher, FetchPolicy
from leadscout.research.web.http import make_client
from leadscout.sandbox import wild
from leadscout.sandbox.faults import LatencyProfile
from leadscout.sandbox.server import SandboxServer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=7, style="wild", timeout_seconds=2, latency=LatencyProfile(search=0, fetch=(0, 0))) as s:
        yield s


async def test_a_match_with_its_team_page_closed_is_known_at_verification(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in sandbox.env().items():
        monkeypatch.setenv(key, value)
    firms = [
        c for c in sandbox.world.companies
        if c.health == "ok" and c.kind == "property_manager" and not wild.js_only(c) and not wild.bot_wall(c)
    ]  # fmt: skip
    closed = [c for c in firms if wild.team_closed(c)][:3]
    open_ = [c for c in firms if not wild.team_closed(c)][:8]
    assert closed and open_
    async with make_client(timeout=2) as client:
        fetcher = Fetcher(client, FetchPolicy(politeness_delay=0))
        said = {}
        for firm in [*closed, *open_]:
            criteria = parse_criteria({"quantity": 5, "state": firm.state})
            found = await verify_company(fetcher, firm.website, firm.name, criteria)
            said[firm.domain] = (found.accepted, found.people_closed)
        asked = sandbox.app.latency.paths if sandbox.app.latency else {}
    assert any(said[c.domain] == (True, True) for c in closed), said
    assert not any(said[c.domain][1] for c in open_), said
    team_paths = {wild.PATHS[c.look.template]["team"] for c in closed if c.look}
    assert not any(k.endswith(tuple(team_paths)) and k.split("/")[0].removeprefix("www.") in
                   {c.domain for c in closed} for k in asked)  # fmt: skip  # a closed page is never asked for
