"""The agent discovery strategy: an LLM plans queries, searches, reads list pages and proposes
companies through the discovery tools, over MCP, until the batch's gap is filled.

What stays deterministic whatever the agent does:

* it reaches the tools only through the MCP discovery scope (no contact tools there);
* suppression and dedupe happen when it proposes, before any fetch;
* every proposal is verified by the same rules as every other source (``check_progress``);
* its turns are capped (steps per turn, and the run's budget); a capped or failed turn ends
  cleanly, and the deterministic query plan continues where the agent stopped.

One MCP session serves a whole agent turn (rv_agentic opened one per call)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from pydantic import BaseModel, Field
from pydantic_ai import Agent
from pydantic_ai.exceptions import AgentRunError, ModelHTTPError, UnexpectedModelBehavior, UsageLimitExceeded
from pydantic_ai.mcp import MCPToolset
from pydantic_ai.usage import RunUsage, UsageLimits

from leadscout import usage
from leadscout.agents.llm import Llm, describe
from leadscout.agents.research_tools import DiscoveryScope, Progress, discovery_server, serve_over_http
from leadscout.criteria import Criteria
from leadscout.db.store import Store
from leadscout.errors import BudgetExceeded
from leadscout.models import Run
from leadscout.pipeline.list_pages import Sighting
from leadscout.pipeline.sources import SourceResult
from leadscout.pipeline.web_source import Batch, WebSource
from leadscout.research.web.search import SearchProvider, SearchResult

log = logging.getLogger(__name__)
MAX_TURNS = 3  # agent turns per batch before the deterministic plan takes over


class DiscoveryTurn(BaseModel):
    """How the turn ended: why you stopped, and whether you believe no more can be found."""

    summary: str = Field(max_length=500)
    exhausted: bool = Field(description="true when you cannot find more matching companies")


@dataclass
class TurnReport:
    requests: int
    tool_calls: int
    accepted: int
    sessions: int
    ended: str  # final | exhausted | capped | failed
    detail: str = ""


def instructions(criteria: Criteria) -> str:
    return (
        "You find US property-management companies for a B2B lead list. Work with the tools:\n"
        "1. search_web for list pages (directories, 'top property managers in <city>' articles) and company sites;\n"
        "2. companies_on_page to read a list page's companies with their websites;\n"
        "3. propose_companies with each company's name and its OWN website (never a directory or a PMS portal);\n"
        "4. check_progress to have your proposals verified; it tells you the gap still to fill.\n"
        "Stop with final_result as soon as check_progress reports gap 0, or when you cannot find more "
        "(exhausted=true). Verification is automatic and strict: proposing a company that does not match wastes "
        "budget and is rejected. There are no contact tools: do not look for people or emails.\n"
        f"Criteria: {criteria.describe()}"
    )


def prompt(criteria: Criteria, batch: Batch, tried: list[str]) -> str:
    place = f"{', '.join(criteria.cities)}, {criteria.state}" if criteria.cities else criteria.state or "United States"
    lines = [
        f"Find {batch.gap} more companies.",
        f"Location: {place}",
        f"PMS: {', '.join(criteria.pms) or 'any'}",
    ]
    if criteria.units_min is not None:
        lines.append(f"At least {criteria.units_min} units.")
    if criteria.units_max is not None:
        lines.append(f"At most {criteria.units_max} units.")
    if tried:
        lines.append("Queries already run: " + "; ".join(tried[-20:]))
    return "\n".join(lines)


@dataclass
class QueryLog:
    """A search provider that remembers the agent's queries (they go into the next turn's prompt)."""

    inner: SearchProvider
    tried: list[str]
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = self.inner.name

    async def search(self, query: str, page: int = 1) -> list[SearchResult]:
        self.tried.append(query)
        return await self.inner.search(query, page)


@dataclass
class AgentSource:
    """A CompanySource whose search is driven by an agent; verification is WebSource's."""

    store: Store
    web: WebSource
    llm: Llm
    name: str = "agent"

    async def find(self, run: Run, criteria: Criteria, want: int) -> SourceResult:
        batch = await self.web.open_batch(run, want)
        tried: list[str] = []
        for turn in range(1, MAX_TURNS + 1):
            if not batch.gap:
                break
            before = len(batch.accepted)
            report = await self.turn(run, criteria, batch, tried)
            await self.store.insert_event(
                run.id, "agent_turn", {"turn": turn, **report.__dict__, "gap": batch.gap}, entity_type="run"
            )
            if report.ended in ("exhausted", "failed") or len(batch.accepted) == before:
                break  # the agent has nothing more to offer: the deterministic plan goes on
        # what the agent proposed but did not check, and the plan's own queries for any gap left
        return await self.web.find(run, criteria, want)

    async def turn(self, run: Run, criteria: Criteria, batch: Batch, tried: list[str]) -> TurnReport:
        """One agent run: one MCP session, capped by the turn's steps and the run's budget."""
        meter = usage.current()
        steps = self.llm.max_steps
        left = meter.llm_requests_left() if meter else None
        if meter is not None:
            meter.check()
        if left is not None and left <= 0:
            raise BudgetExceeded("run LLM requests", meter.run_total.llm_requests if meter else 0, left)
        budget_binds = left is not None and left < steps
        limits = UsageLimits(
            request_limit=min(steps, left) if left is not None else steps,
            total_tokens_limit=meter.tokens_left() if meter else None,
            tool_calls_limit=steps * 3,
        )
        scope = self._scope(run, criteria, batch, tried)
        spent = RunUsage()
        ended, detail, sessions = "final", "", 0
        async with serve_over_http(discovery_server(scope)) as (url, counter):
            toolset = MCPToolset(url, id="leadscout-discovery", tool_error_behavior="retry")
            agent: Agent[None, DiscoveryTurn] = Agent(
                self.llm.model, output_type=DiscoveryTurn, instructions=instructions(criteria), toolsets=[toolset]
            )
            try:
                # the MCP session, opened once for the whole turn; not `async with agent`, which also
                # enters the model and closes its provider's HTTP client on exit, under the feet of the
                # company research (its briefs) this worker runs beside the turn
                async with toolset:
                    result = await agent.run(
                        prompt(criteria, batch, tried),
                        usage_limits=limits,
                        usage=spent,
                        model_settings=self.llm.settings,
                    )
                ended = "exhausted" if result.output.exhausted else "final"
                detail = result.output.summary
            except UsageLimitExceeded as exc:
                ended, detail = "capped", str(exc)[:200]
            except (ModelHTTPError, UnexpectedModelBehavior, AgentRunError, OSError) as exc:
                ended, detail = "failed", describe(exc)
                log.warning("agent turn failed for run %s: %s", run.id, detail)
            finally:
                self.llm.record(meter, spent)
            sessions = counter.sessions
        if ended == "capped" and budget_binds and meter is not None:
            raise BudgetExceeded("run LLM requests", meter.run_total.llm_requests, meter.budget.max_llm_requests or 0)
        return TurnReport(spent.requests, spent.tool_calls, len(batch.accepted), sessions, ended, detail)

    def _scope(self, run: Run, criteria: Criteria, batch: Batch, tried: list[str]) -> DiscoveryScope:
        web = self.web

        async def propose(name: str, website: str) -> bool:
            return await web.propose(run, criteria, Sighting(website, name, "agent", None))

        async def progress() -> Progress:
            verified = batch.verified
            await web.verify_pending(run, criteria, batch)
            rows = await self.store.candidate_stats(run.id)
            rejected = [r for r in rows if r["status"] == "rejected" and r["found_via"] == "agent"]
            pending = sum(1 for r in rows if r["status"] == "pending")
            return Progress(
                accepted=len(batch.accepted),
                gap=batch.gap,
                verified_now=batch.verified - verified,
                pending=pending,
                recent_rejections=[f"{r['domain']}: {'; '.join(r['reasons'] or [])}"[:200] for r in rejected[-8:]],
            )

        return DiscoveryScope(
            provider=QueryLog(web.tools.provider, tried),
            fetcher=web.tools.fetcher,
            list_companies=web.list_companies,
            propose=propose,
            progress=progress,
        )
