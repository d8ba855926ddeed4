"""A monitor over the sandbox world's days, through the real CLI: each tick's `new` is proven
against that day's ground truth, a company that stopped matching is reported, a day on which
nothing changed costs at most two requests per known company, and the signed monitor.delivered
webhook reaches a receiver that verifies it with the standardwebhooks library."""

from __future__ import annotations

import json
from typing import Any

from leadscout.sandbox.receiver import FlakyReceiver
from leadscout.sandbox.world import build
from leadscout.serving import ThreadedServer
from leadscout.webhooks.signing import new_secret
from tests.conftest import leadscout

CITY, STATE = "Phoenix", "AZ"  # nine AppFolio firms; on day 1 one leaves AppFolio and two join it


def matching(day: int) -> set[str]:
    """The AppFolio property managers of the city on ``day``, as the world's truth says."""
    world = build(7, day=day)
    return {
        c.domain for c in world.companies
        if c.kind == "property_manager" and c.city == CITY and c.state == STATE and c.pms == "appfolio"
        and c.health != "dead"
    }  # fmt: skip


def tick(dsn: str, monitor: str, day: int, env: dict[str, str]) -> dict[str, Any]:
    done = leadscout("monitor", "run", monitor, "--world-day", str(day), "--json", dsn=dsn, env=env, timeout=150)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout))


def precision(new: list[dict[str, Any]], truth: set[str]) -> float:
    return sum(n["domain"] in truth for n in new) / len(new) if new else 1.0


def test_a_monitor_delivers_what_changed_from_day_to_day(dsn: str) -> None:
    secret = new_secret()
    receiver = FlakyReceiver(secret)
    with ThreadedServer(receiver.app) as server:
        env = {"LEADSCOUT_WEBHOOK_ALLOW_HOSTS": "127.0.0.1", "LEADSCOUT_WEBHOOK_RETRY_BASE": "0.2"}
        created = leadscout(
            "monitor", "create", f"AppFolio property managers in {CITY}, {STATE}", "--geo", "city", "--sandbox",
            "--every", "0 6 * * 1", "--webhook", f"{server.url}/hooks", "--webhook-secret", secret, "--json",
            dsn=dsn, env=env,
        )  # fmt: skip
        assert created.returncode == 0, created.stderr
        monitor = json.loads(created.stdout)["id"]

        day0 = tick(dsn, monitor, 0, env)
        assert day0["known"] == 0 and day0["new"], day0
        assert precision(day0["new"], matching(0)) >= 0.97
        for company in day0["new"]:  # each with its proof
            assert any(v["criterion"] == "pms" and v["evidence"] for v in company["evidence"]), company

        delivered = {n["domain"] for n in day0["new"]}
        day1 = tick(dsn, monitor, 1, env)
        assert day1["known"] == len(delivered)
        assert precision(day1["new"], matching(1)) >= 0.97
        stopped = delivered - matching(1)
        assert stopped, "the test's world should change on day 1"
        reported = {g["domain"] for g in day1["gone"]} | {c["domain"] for c in day1["changed"]}
        assert len(stopped & reported) >= 0.9 * len(stopped), (stopped, day1["gone"], day1["changed"])
        switched = [c for c in day1["changed"] if c["field"] == "pms"]
        assert switched and all(c["evidence"]["url"] for c in switched)
        assert not {n["domain"] for n in day1["new"]} & delivered  # never delivered twice

        again = tick(dsn, monitor, 1, env)  # nothing changed since the last tick
        assert again["gone"] == [] and again["changed"] == [] and again["back"] == [], again
        # a rejection is asked about again in its turn (one tick in LEADSCOUT_MONITOR_RECHECK_EVERY):
        # a firm that joined AppFolio may be found a tick late, never wrongly
        assert precision(again["new"], matching(1)) == 1.0
        assert not {n["domain"] for n in again["new"]} & (delivered | {n["domain"] for n in day1["new"]})
        assert 0 < again["recheck_fetches"] <= 2 * again["known"], again

        shown = leadscout("monitor", "show", monitor, "--json", dsn=dsn)
        assert [r["status"] for r in json.loads(shown.stdout)["runs"]] == ["delivered"] * 3

    events = [e for e in receiver.handled.values() if e["type"] == "monitor.delivered"]
    assert len(events) == 3 and receiver.counts["rejected"] == 0  # every delivery verified by the library
    assert sorted(len(e["data"]["new"]) for e in events) == sorted(len(t["new"]) for t in (day0, day1, again))
