"""The REST API over a real socket (uvicorn in a thread) on real PostgreSQL: problem+json errors,
limits, auth, suppression, workers, health, the OpenAPI spec, and the event stream's resume."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from leadscout.api.app import ServerConfig, check_exposure, serving
from leadscout.config import Settings
from leadscout.criteria import parse_criteria
from leadscout.db.store import Store
from leadscout.errors import ConfigError
from leadscout.pipeline.runs import create_run
from leadscout.web.app import create_app
from tests.conftest import leadscout

pytestmark = [pytest.mark.integration, pytest.mark.sql]
PROBLEM = "application/problem+json"


@pytest.fixture
def api(settings: Settings, tmp_path: Path) -> Iterator[str]:
    config = ServerConfig(settings=settings, workers=0, exports_dir=tmp_path / "exports")
    with serving(create_app(config)) as url:
        yield url


@pytest.fixture
def client(api: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api, timeout=10) as http:
        yield http


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and "Traceback" not in response.text
    return body


def test_health_readiness_and_the_spec(client: httpx.Client) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/readyz").json()["status"] == "ready"
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for path in ("/api/v1/runs", "/api/v1/runs/{run_id}", "/api/v1/runs/{run_id}/events", "/api/v1/suppression"):
        assert path in paths
    assert client.get("/api/docs").status_code == 200


def test_parse_then_create_echoes_the_typed_criteria(client: httpx.Client) -> None:
    body = {"request": "25 AppFolio property managers in Austin, TX with 100+ units", "geo_scope": "city"}
    nowhere = problem(client.post("/api/v1/runs/parse", json=body), 503)  # no search provider, empty directory
    assert "SERPER_API_KEY" in nowhere["detail"]
    body["source"] = "directory"
    parsed = client.post("/api/v1/runs/parse", json=body).json()
    assert parsed["criteria"]["pms"] == ["appfolio"] and parsed["criteria"]["units_min"] == 100
    assert parsed["summary"].startswith("25 companies in Austin, TX") and parsed["parser"] == "rules"
    assert client.get("/api/v1/runs").json()["total"] == 0  # parsing creates nothing
    created = client.post("/api/v1/runs", json={**body, "webhook_url": "https://hooks.example.com/ls"})
    assert created.status_code == 201, created.text
    run = created.json()
    assert run["criteria"] == parsed["criteria"] and run["status"] == "active"  # what was shown is what runs
    secret = run["webhook_secret"]  # made by leadscout, shown this once
    assert secret.startswith("whsec_") and run["options"]["webhook"]["url"] == "https://hooks.example.com/ls"
    detail = client.get(f"/api/v1/runs/{run['run_id']}").json()
    assert secret not in json.dumps(detail)
    assert detail["criteria"]["pms"] == ["appfolio"] and detail["stage"] == "company_discovery"
    listing = client.get("/api/v1/runs", params={"status": "active"}).json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == run["run_id"]


def test_mistakes_are_clear_problems(client: httpx.Client) -> None:
    assert "greater than or equal to 1" in problem(client.post("/api/v1/runs", json={"quantity": 0}), 422)["detail"]
    assert "unknown PMS" in problem(client.post("/api/v1/runs", json={"quantity": 3, "pms": ["nope"]}), 422)["detail"]
    assert problem(client.post("/api/v1/runs", json={"quantity": 3, "colour": "red"}), 422)["errors"]
    # text the database cannot store is the sender's mistake, not a 500
    nul = b'{"quantity": 3, "request": "PMs in Austin\\u0000"}'
    assert (
        "NUL"
        in problem(client.post("/api/v1/runs", content=nul, headers={"content-type": "application/json"}), 422)[
            "detail"
        ]
    )
    lone = b'{"quantity": 3, "cities": ["Aus\\udec3tin"]}'
    assert (
        "surrogate"
        in problem(client.post("/api/v1/runs", content=lone, headers={"content-type": "application/json"}), 422)[
            "detail"
        ]
    )
    assert problem(client.post("/api/v1/runs", content=b"{not json", headers={"content-type": "application/json"}), 422)
    # the same for a monitor's own fields (its name, its schedule), not only its request
    for field in ('"name": "weekly\\u0000"', '"every": "0 6 * * 1\\u0000"'):
        body = '{"launch": {"quantity": 3, "cities": ["Austin"], "state": "TX"}, "every": "0 6 * * 1", ' + field + "}"
        answer = client.post("/api/v1/monitors", content=body.encode(), headers={"content-type": "application/json"})
        assert "NUL" in problem(answer, 422)["detail"], field
    # a number of companies read from the request's text is bounded like the quantity field (it was a 500)
    for request in ("0 AppFolio property managers in Austin, TX", "5000 property managers in Austin, TX"):
        answer = client.post("/api/v1/monitors", json={"launch": {"request": request}, "every": "0 6 * * 1"})
        assert "1 to 1000" in problem(answer, 422)["detail"], request
    missing = "/api/v1/runs/00000000-0000-0000-0000-000000000000"
    assert "no run" in problem(client.get(missing), 404)["detail"]
    problem(client.get("/api/v1/runs/not-a-uuid"), 404)  # a run is named by a UUID: anything else names none
    problem(client.get("/api/v1/runs", params={"limit": 201}), 422)  # pages are bounded
    problem(client.get("/api/v1/runs", params={"status": "sleeping"}), 422)
    huge = {"request": "x" * 70_000}
    problem(client.post("/api/v1/runs", json=huge), 413)
    problem(client.get("/api/v1/nowhere"), 404)
    bad_hook = {"quantity": 3, "state": "TX", "source": "directory", "webhook_url": "ftp://x"}
    assert "http(s)" in problem(client.post("/api/v1/runs", json=bad_hook), 400)["detail"]
    weak = {**bad_hook, "webhook_url": "https://hooks.example.com/ls", "webhook_secret": "hunter2"}
    assert "whsec_" in problem(client.post("/api/v1/runs", json=weak), 400)["detail"]


def test_decisions_and_cancel_on_the_wrong_state_conflict(client: httpx.Client, dsn: str) -> None:
    run = client.post("/api/v1/runs", json={"quantity": 2, "state": "TX", "source": "directory"}).json()
    rid = run["run_id"]
    assert (
        "needs_user_decision"
        in problem(client.post(f"/api/v1/runs/{rid}/decision", json={"action": "accept_partial"}), 409)["detail"]
    )
    problem(client.post(f"/api/v1/runs/{rid}/decision", json={"action": "dance"}), 422)
    assert client.post(f"/api/v1/runs/{rid}/cancel").json()["status"] == "cancelled"
    assert "nothing to cancel" in problem(client.post(f"/api/v1/runs/{rid}/cancel"), 409)["detail"]


def test_suppression_and_workers(client: httpx.Client) -> None:
    added = client.post(
        "/api/v1/suppression", json={"domains": ["https://www.Acme-PM.com/x", "acme-pm.com"], "reason": "customer"}
    )
    assert added.json() == {"added": 1, "already": 0}
    rows = client.get("/api/v1/suppression").json()
    assert rows["total"] == 1 and rows["items"][0] == {
        **rows["items"][0],
        "domain": "acme-pm.com",
        "reason": "customer",
    }
    problem(client.post("/api/v1/suppression", json={"domains": ["not a domain"]}), 422)  # well formed, no domain
    problem(client.post("/api/v1/suppression", json={"domains": []}), 422)
    problem(client.post("/api/v1/suppression", json={"domains": ["acme-pm.com"], "reason": "a\u0000b"}), 422)
    assert client.delete("/api/v1/suppression/acme-pm.com").json() == {"removed": "acme-pm.com"}
    problem(client.delete("/api/v1/suppression/acme-pm.com"), 404)
    workers = client.get("/api/v1/workers").json()
    assert set(workers) == {"active", "dead", "stats"}
    problem(client.post("/api/v1/workers/nobody-1/stop"), 404)


def test_a_token_guards_the_api_and_the_dashboard(settings: Settings, tmp_path: Path) -> None:
    config = ServerConfig(settings=settings, workers=0, exports_dir=tmp_path, token="s3cret-token")
    with serving(create_app(config)) as url, httpx.Client(base_url=url, timeout=10) as http:
        problem(http.get("/api/v1/runs"), 401)
        problem(http.get("/api/v1/runs", headers={"Authorization": "Bearer wrong"}), 401)
        assert http.get("/api/v1/runs", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        assert http.get("/healthz").status_code == 200  # liveness needs no token
        page = http.get("/", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login"
        assert (
            http.post("/login", data={"token": "wrong"}, follow_redirects=False)
            .headers["location"]
            .startswith("/login")
        )
        signed = http.post("/login", data={"token": "s3cret-token"}, follow_redirects=False)
        assert signed.status_code == 303 and "httponly" in signed.headers["set-cookie"].lower()
        assert http.get("/").status_code == 200 and "Runs" in http.get("/").text  # the cookie signs the browser in


def test_the_server_refuses_to_listen_beyond_loopback_without_a_token(settings: Settings, dsn: str) -> None:
    with pytest.raises(ConfigError, match="LEADSCOUT_API_TOKEN"):
        check_exposure(ServerConfig(settings=settings, host="0.0.0.0"))
    check_exposure(ServerConfig(settings=settings, host="0.0.0.0", token="t"))
    result = leadscout(
        "serve", "--host", "0.0.0.0", "--port", "8999", dsn=dsn, env={"LEADSCOUT_API_TOKEN": ""}, timeout=60
    )
    assert result.returncode == 2 and "LEADSCOUT_API_TOKEN" in result.stderr and "Traceback" not in result.stderr


def read_events(
    client: httpx.Client, run_id: str, count: int | None, last_id: str | None = None
) -> list[dict[str, Any]]:
    """Read ``count`` messages (or up to the end event) from the stream, then drop the connection."""
    headers = {"Last-Event-ID": last_id} if last_id else {}
    out: list[dict[str, Any]] = []
    with client.stream("GET", f"/api/v1/runs/{run_id}/events", headers=headers, timeout=30) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        fields: dict[str, str] = {}
        for line in response.iter_lines():
            if line:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
                continue
            if fields.get("event") == "end":
                return out
            if "data" in fields:
                out.append({"sse_id": fields.get("id"), **json.loads(fields["data"])})
                if count is not None and len(out) >= count:
                    return out
            fields = {}
    return out


async def test_the_event_stream_resumes_without_gaps_or_repeats(
    store: Store, settings: Settings, dsn: str, tmp_path: Path, world_csv: Path
) -> None:
    from leadscout.pipeline.directory import import_file

    await import_file(store, world_csv)
    criteria = parse_criteria({"quantity": 25, "state": "TX", "cities": ["Austin"], "geo_scope": "city"})
    run = await create_run(store, criteria, batch_size=5, options={"sources": ["directory"]})
    slow = settings.model_copy(update={"simulated_latency": 0.05})  # the run is still going while we read
    config = ServerConfig(settings=slow, workers=2, exports_dir=tmp_path)
    with serving(create_app(config)) as url, httpx.Client(base_url=url, timeout=30) as http:
        first = read_events(http, str(run.id), 4)
        assert [e["id"] for e in first] == [int(e["sse_id"]) for e in first]
        rest = read_events(http, str(run.id), None, last_id=first[-1]["sse_id"])  # reconnect, as EventSource does
        deadline = time.monotonic() + 60
        while http.get(f"/api/v1/runs/{run.id}").json()["status"] == "active" and time.monotonic() < deadline:
            time.sleep(0.2)
        log = http.get(f"/api/v1/runs/{run.id}/events/log", params={"limit": 200}).json()
    ids = [e["id"] for e in first + rest]
    assert ids == sorted(set(ids)), "a resumed stream repeated or reordered events"
    assert ids == [e["id"] for e in log][: len(ids)], "a resumed stream skipped events"
    assert "run_completed" in [e["event"] for e in rest] and {e["event"] for e in log[len(ids) :]} <= {"job_recovered"}
