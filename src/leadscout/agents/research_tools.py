"""The research tools as an MCP server, scoped to one run and one stage (discovery).

The discovery scope has search, page reading, list-page extraction, ``propose_companies`` and
``check_progress``. Proposing only queues candidates: suppression runs before any fetch,
dedupe by domain, and ``check_progress`` verifies them with the same deterministic rules as
every other source, so no agent can deliver a company that fails a hard criterion. There is no
contact tool in this scope: rv_agentic's agent fetched contacts when told not to, here it cannot.

:func:`serve_over_http` serves it over streamable HTTP on loopback for one agent run, which
holds one MCP session for the whole run (rv_agentic opened a session per call)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from mcp.server.mcpserver import MCPServer
from pydantic import BaseModel, Field

from leadscout.research.judge.verify import candidate_domain
from leadscout.research.read.extract import extract
from leadscout.research.web.fetch import Fetcher
from leadscout.research.web.search import SearchProvider

PAGE_TEXT = 3000
PAGE_LINKS = 60
MAX_PROPOSALS = 50
DISCOVERY_TOOLS = ("search_web", "read_page", "companies_on_page", "propose_companies", "check_progress")


class Proposal(BaseModel):
    name: str = Field(max_length=200)
    website: str = Field(max_length=300)


class Progress(BaseModel):
    """What verification has made of the proposals so far, for the agent to plan its next step."""

    accepted: int  # this batch, verified against every criterion
    gap: int  # still to find; 0 means stop
    verified_now: int
    pending: int
    recent_rejections: list[str] = Field(default_factory=list)


@dataclass
class DiscoveryScope:
    """What the discovery tools may touch, for one run's batch."""

    provider: SearchProvider
    fetcher: Fetcher
    list_companies: Callable[[str], Awaitable[list[tuple[str, str, str]]]]  # list page URL -> (name, website, card)
    propose: Callable[[str, str], Awaitable[bool]]  # (name, website) -> queued (False: suppressed or known)
    progress: Callable[[], Awaitable[Progress]]  # verify what is pending, report
    calls: list[str] = field(default_factory=list)


def discovery_server(scope: DiscoveryScope) -> MCPServer:
    server = MCPServer(
        "leadscout-discovery",
        instructions="Discovery tools for one lead-list batch. There are no contact tools in this scope.",
        log_level="WARNING",
    )

    @server.tool()
    async def search_web(query: str, page: int = 1) -> list[dict[str, Any]]:
        """Web search: up to 10 results with url, title and snippet."""
        scope.calls.append("search_web")
        results = await scope.provider.search(query[:200], max(1, min(page, 5)))
        return [{"url": r.url, "title": r.title, "snippet": r.snippet[:300]} for r in results]

    @server.tool()
    async def read_page(url: str) -> dict[str, Any]:
        """A page's title, the start of its text and its links."""
        scope.calls.append("read_page")
        page = await scope.fetcher.fetch(url)
        if not page.ok:
            return {"url": url, "error": page.error or f"status {page.status}"}
        facts = extract(page.final_url, page.text)
        links = [{"url": link.url, "text": link.text[:80]} for link in facts.links[:PAGE_LINKS]]
        return {"url": page.final_url, "title": facts.title, "text": facts.text[:PAGE_TEXT], "links": links}

    @server.tool()
    async def companies_on_page(url: str) -> list[dict[str, str]]:
        """Companies a directory or "top N" list page names, with their own websites (follows
        profile pages and pagination on the list site)."""
        scope.calls.append("companies_on_page")
        return [{"name": name, "website": website} for name, website, _card in await scope.list_companies(url)]

    @server.tool()
    async def propose_companies(companies: list[Proposal]) -> dict[str, int]:
        """Queue candidate companies (name + their own website) for verification against every
        criterion. Suppressed and already-known domains are skipped; nothing is accepted without proof."""
        scope.calls.append("propose_companies")
        queued = skipped = 0
        for proposal in companies[:MAX_PROPOSALS]:
            if candidate_domain(proposal.website) is not None and await scope.propose(proposal.name, proposal.website):
                queued += 1
            else:
                skipped += 1
        return {"queued": queued, "skipped": skipped}

    @server.tool()
    async def check_progress() -> Progress:
        """Verify the proposed companies and report how many are accepted and how many are still
        needed (gap). When gap is 0 the batch is full: stop."""
        scope.calls.append("check_progress")
        return await scope.progress()

    return server


class SessionCounter:
    """ASGI wrapper that counts the MCP sessions clients opened: their handshakes (``initialize``,
    or ``server/discover`` in the stateless 2026 protocol), and the calls made in them."""

    HANDSHAKES = (b"initialize", b"server/discover")

    def __init__(self, app: Any) -> None:
        self.app, self.sessions, self.calls = app, 0, 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") == "http":
            method = dict(scope.get("headers", [])).get(b"mcp-method", b"")
            self.sessions += method in self.HANDSHAKES
            self.calls += method == b"tools/call"
        await self.app(scope, receive, send)


class _QuietServer(uvicorn.Server):
    """uvicorn without its signal handlers: the worker process owns SIGTERM/SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@asynccontextmanager
async def serve_over_http(server: MCPServer) -> AsyncIterator[tuple[str, SessionCounter]]:
    """Serve ``server`` on 127.0.0.1 (a free port) for the block; yields its URL and session counter."""
    counter = SessionCounter(server.streamable_http_app(host="127.0.0.1"))
    config = uvicorn.Config(counter, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    http = _QuietServer(config)
    task = asyncio.create_task(http.serve())
    try:
        while not http.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        port = http.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}/mcp", counter
    finally:
        http.should_exit = True
        await task
