"""leadscout as an MCP server, driven by the official SDK's client over the real stdio
transport: start a run on the sandbox, follow its events, read its evidence, export it."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from tests.conftest import FAST_ENV, cli_env

pytestmark = [pytest.mark.e2e, pytest.mark.once]
TOOLS = {"start_run", "get_run", "list_companies", "list_contacts", "get_evidence", "events", "decide", "cancel"}
TOOLS |= {"export"}


def data(result: Any) -> Any:
    assert not result.is_error, result.content
    content = result.structured_content
    if isinstance(content, dict) and set(content) == {"result"}:
        return content["result"]
    return content if content is not None else json.loads(result.content[0].text)


async def test_an_mcp_client_starts_follows_and_exports_a_run(dsn: str, tmp_path: Path) -> None:
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "leadscout", "mcp", "--sandbox", "--workers", "4", "--out", str(tmp_path)],
        env=cli_env(dsn, **FAST_ENV),
    )
    async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        assert {t.name for t in (await session.list_tools()).tools} >= TOOLS

        bad = await session.call_tool("get_run", {"run_id": "not-a-uuid"})
        assert bad.is_error and "not a run id" in bad.content[0].text

        started = time.monotonic()
        request = "5 property managers in Denver, CO with 200+ units"
        run = data(await session.call_tool("start_run", {"request": request}))
        assert time.monotonic() - started < 5  # a job handle, not a blocking call
        run_id = run["run_id"]
        assert "Denver" in run["criteria"]

        seen: list[dict[str, Any]] = []
        status = ""
        deadline = time.monotonic() + 180
        while status not in ("completed", "failed", "needs_user_decision") and time.monotonic() < deadline:
            after = seen[-1]["id"] if seen else 0
            seen += data(await session.call_tool("events", {"run_id": run_id, "after_id": after}))
            status = data(await session.call_tool("get_run", {"run_id": run_id}))["status"]
            await asyncio.sleep(0.5)
        assert status == "completed"
        ids = [e["id"] for e in seen]
        assert ids == sorted(set(ids))  # incremental reads never repeat or reorder
        assert {"run_created", "batch_completed", "stage_advanced"} <= {e["event"] for e in seen}

        companies = data(await session.call_tool("list_companies", {"run_id": run_id}))
        assert len(companies) == 5 and all(c["run_id"] == run_id for c in companies)
        evidence = data(await session.call_tool("get_evidence", {"run_id": run_id, "domain": companies[0]["domain"]}))
        location = next(v for v in evidence["verdicts"] if v["criterion"] == "location")
        assert location["verdict"] == "true" and location["evidence"][0]["url"].startswith("http://")
        assert evidence["research"]["units_estimate"]["value"] >= 200
        contacts = data(await session.call_tool("list_contacts", {"run_id": run_id}))
        assert contacts and {c["company_domain"] for c in contacts} <= {c["domain"] for c in companies}

        files = data(await session.call_tool("export", {"run_id": run_id, "format": "xlsx"}))
        assert Path(files["companies"]).stat().st_size > 0 and files["companies"].startswith(str(tmp_path))
        refused = await session.call_tool("decide", {"run_id": run_id, "action": "accept_partial"})
        assert refused.is_error and "needs_user_decision" in refused.content[0].text
        assert (await session.call_tool("cancel", {"run_id": run_id})).is_error  # finished runs stay finished


async def test_the_mcp_server_speaks_streamable_http_too(dsn: str, tmp_path: Path) -> None:
    import socket
    import subprocess

    from mcp.client.streamable_http import streamable_http_client

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = ["mcp", "--transport", "http", "--port", str(port), "--workers", "0", "--sandbox", "--out", str(tmp_path)]
    proc = subprocess.Popen([sys.executable, "-m", "leadscout", *args], env=cli_env(dsn, **FAST_ENV))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "the MCP HTTP server did not start"
                await asyncio.sleep(0.2)
        async with (
            streamable_http_client(f"http://127.0.0.1:{port}/mcp") as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            assert {t.name for t in (await session.list_tools()).tools} >= TOOLS
            run = data(await session.call_tool("start_run", {"request": "3 property managers in Denver, CO"}))
            state = data(await session.call_tool("get_run", {"run_id": run["run_id"]}))
            assert state["status"] == "active" and state["stage"] == "company_discovery"  # queued: --workers 0
            assert data(await session.call_tool("cancel", {"run_id": run["run_id"]}))["status"] == "cancelled"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
