"""A sandbox world served on a later day, over real HTTP: what closed no longer resolves, what
opened answers and is found by the search API, and the truth (served and exported by the CLI)
lists what changed since day 0."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from leadscout.sandbox.server import SandboxServer
from leadscout.sandbox.world import build
from tests.conftest import leadscout


def test_a_later_day_is_served_as_it_is_that_day() -> None:
    expected = build(7, day=3)
    closed = next(c for c in expected.changes if c.change == "closed")
    opened = next(c for c in expected.changes if c.change == "opened")
    with SandboxServer(seed=7, day=3, timeout_seconds=3) as server, httpx.Client(proxy=server.url, timeout=10) as web:
        assert web.get(f"http://www.{closed.domain}/").status_code == 502
        home = web.get(f"http://www.{opened.domain}/")
        assert home.status_code == 200 and opened.new in home.text
        with httpx.Client(timeout=10) as local:
            found = local.get(f"{server.url}/search", params={"q": opened.new, "format": "json"}).json()
            served = local.get(f"{server.url}/truth.json").json()
    assert any(opened.domain in r["url"] for r in found["results"])
    assert served["day"] == 3 and [c["domain"] for c in served["changes"]] == [c.domain for c in expected.changes]
    with SandboxServer(seed=7, timeout_seconds=3) as today, httpx.Client(proxy=today.url, timeout=10) as web:
        assert web.get(f"http://www.{closed.domain}/").status_code != 502  # it was open on day 0
        assert web.get(f"http://www.{opened.domain}/").status_code == 502  # and this one did not exist


def test_the_truth_of_a_day_is_exported_and_a_negative_day_is_refused(tmp_path: Path, dsn: str) -> None:
    out = tmp_path / "day2.json"
    done = leadscout("sandbox", "truth", "--day", "2", "--style", "wild", "--out", str(out), dsn=dsn)
    assert done.returncode == 0 and "changes since day 0" in done.stdout
    data = json.loads(out.read_text())
    assert data["day"] == 2 and data["style"] == "wild" and data["changes"]
    assert {"day", "domain", "change", "field", "old", "new"} <= set(data["changes"][0])
    refused = leadscout("sandbox", "truth", "--day", "-1", "--out", str(out), dsn=dsn)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr and "--day -1" in refused.stderr
