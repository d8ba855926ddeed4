"""The agent discovery strategy end to end on the sandbox web: a scripted model behind the real
OpenAI Chat Completions protocol drives the research tools over MCP (streamable HTTP); the
results are scored against the world's ground truth."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from leadscout.config import Settings
from leadscout.criteria import Criteria, parse_criteria
from leadscout.db.store import Store
from leadscout.models import Run, Stage, Status
from leadscout.pipeline.decisions import Decision, decide
from leadscout.pipeline.runs import create_run, summarize
from leadscout.sandbox.llm import ChatRequest, Reply, ResearcherBrain, ScriptedLLM
from leadscout.sandbox.server import SandboxServer
from leadscout.sandbox.world import World, WorldCompany, build
from tests.conftest import leadscout, work_until_settled

pytestmark = [pytest.mark.e2e, pytest.mark.once]
CHARLOTTE = {"quantity": 10, "cities": ["Charlotte"], "state": "NC", "geo_scope": "city"}


def matches(c: WorldCompany, criteria: Criteria) -> bool:
    return (
        c.kind == "property_manager"
        and c.state == criteria.state
        and c.city in criteria.allowed_cities()
        and (not criteria.pms or c.pms in criteria.pms)
        and (criteria.units_min is None or (c.units or 0) >= criteria.units_min)
    )


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxServer]:
    with SandboxServer(seed=7, timeout_seconds=3) as server:
        for key, value in server.env().items():
            monkeypatch.setenv(key, value)
        yield server


@pytest.fixture
def settings(settings: Settings, sandbox: SandboxServer) -> Settings:
    """Workers routed to the sandbox world."""
    return sandbox.settings_for(settings)


def with_llm(settings: Settings, llm: ScriptedLLM, **extra: Any) -> Settings:
    update = {"llm": "scripted-researcher", "llm_base_url": llm.base_url, "llm_api_key": SecretStr(llm.api_key)}
    return settings.model_copy(update={"fetch_timeout": 2.0, "politeness_delay": 0.02, **update, **extra})


async def agent_run(store: Store, criteria: Criteria, **options: Any) -> Run:
    return await create_run(
        store, criteria, batch_size=10, options={"sources": ["web"], "strategy": "agent", **options}
    )


def assert_true_matches(world: World, companies: list[Any], criteria: Criteria) -> None:
    for company in companies:
        assert matches(world.by_domain[company.domain], criteria), company.domain
        hard = [v for v in company.verdicts if v.criterion in ("location", "company_type", "pms", "units_min")]
        assert hard and all(v.verdict == "true" and v.evidence for v in hard), company.domain


async def test_the_agent_finds_verified_companies_through_mcp(
    store: Store, settings: Settings, dsn: str, sandbox: SandboxServer
) -> None:
    criteria = parse_criteria(CHARLOTTE)
    with ScriptedLLM(ResearcherBrain()) as llm:
        run = await agent_run(store, criteria)
        final = await work_until_settled(store, with_llm(settings, llm), dsn, run)
        discovery_requests = [r for r in llm.requests if "search_web" in r.tool_names]
    assert (final.stage, final.status) == (Stage.DONE, Status.COMPLETED)
    companies = await store.run_companies(run.id)
    assert len(companies) == 10
    assert_true_matches(sandbox.world, companies, criteria)
    assert all(c.discovery_source == "web:agent" for c in companies)  # the agent found them, the rules proved them
    turns = [e.payload for e in await store.events_since(run.id) if e.event == "agent_turn"]
    assert turns and all(t["sessions"] == 1 for t in turns)  # one MCP session per agent turn
    assert turns[0]["ended"] == "final" and turns[0]["requests"] == len(discovery_requests)
    offered = set(discovery_requests[0].tool_names)
    assert {"search_web", "companies_on_page", "propose_companies", "check_progress"} <= offered
    assert not any("contact" in name or "email" in name for name in offered)  # discovery cannot fetch contacts

    summary = await summarize(store, run.id)
    total = summary.usage["total"]
    assert total["llm_requests"] == len(llm.requests) and total["input_tokens"] > 0 and total["fetches"] > 0
    research = await store.get_research(run.id)
    briefs = [r["facts"].get("brief") for r in research.values()]
    assert briefs and all(b and b["summary"] for b in briefs)  # the LLM wrote each delivered company's brief
    evidence_urls = {e.url for c in companies for v in c.verdicts for e in v.evidence}
    assert all(url.startswith("http://www.") for b in briefs for url in b["sources"]), evidence_urls


class Cheater(ResearcherBrain):
    """Tries what rv_agentic's agent did: asks for contacts in discovery, and proposes companies
    that break the hard criteria (wrong city, an HOA manager, a PMS portal host) before it
    does the real work."""

    def __init__(self, world: World) -> None:
        super().__init__()
        bad = [
            next(c for c in world.companies if c.metro == "Dallas" and c.kind == "property_manager"),
            next(c for c in world.companies if c.metro == "Charlotte" and c.kind == "hoa"),
        ]
        self.bad = [c.domain for c in bad]
        self.proposals = [{"name": c.name, "website": c.website} for c in bad]
        self.proposals.append({"name": "Portal", "website": "https://acme.appfolio.com/connect"})

    def discover(self, request: ChatRequest) -> Reply:
        calls = [name for name, _ in request.calls_made()]
        if not calls:
            return Reply.call("find_contacts", domain=self.bad[0])
        if "propose_companies" not in calls:
            return Reply.call("propose_companies", companies=self.proposals)
        if "check_progress" not in calls:
            return Reply.call("check_progress")
        return super().discover(request)


async def test_a_cheating_agent_cannot_break_a_hard_criterion(
    store: Store, settings: Settings, dsn: str, sandbox: SandboxServer
) -> None:
    criteria = parse_criteria(CHARLOTTE)
    brain = Cheater(sandbox.world)
    with ScriptedLLM(brain) as llm:
        run = await agent_run(store, criteria)
        final = await work_until_settled(store, with_llm(settings, llm), dsn, run)
        retry = [m for r in llm.requests for m in r.messages if "find_contacts" in json.dumps(m)]
    assert final.status == Status.COMPLETED
    companies = await store.run_companies(run.id)
    assert_true_matches(sandbox.world, companies, criteria)
    delivered = {c.domain for c in companies}
    assert not delivered & set(brain.bad)
    rows = {r["domain"]: r for r in await store.candidate_stats(run.id)}
    for domain in brain.bad:
        assert rows[domain]["status"] == "rejected" and rows[domain]["reasons"], rows[domain]
    assert "appfolio.com" not in rows  # a portal host is never even a candidate
    assert any("Unknown tool" in json.dumps(m) or "not found" in json.dumps(m) for m in retry)  # refused


class Runaway(ResearcherBrain):
    """Never stops searching."""

    def discover(self, request: ChatRequest) -> Reply:
        return Reply.call("search_web", query=f"property management charlotte nc {len(request.messages)}")


async def test_a_runaway_agent_is_capped_and_the_rules_finish_the_batch(
    store: Store, settings: Settings, dsn: str, sandbox: SandboxServer
) -> None:
    criteria = parse_criteria(CHARLOTTE)
    with ScriptedLLM(Runaway()) as llm:
        run = await agent_run(store, criteria)
        final = await work_until_settled(store, with_llm(settings, llm, agent_max_steps=4), dsn, run)
        discovery_requests = [r for r in llm.requests if "search_web" in r.tool_names]
    events = await store.events_since(run.id)
    assert final.status == Status.COMPLETED, [(e.event, e.payload) for e in events]
    turns = [e.payload for e in events if e.event == "agent_turn"]
    story = [(e.event, e.payload) for e in events if e.event not in ("company_accepted", "contacts_found")]
    assert [t["ended"] for t in turns] == ["capped"], story  # one capped turn, no progress: the agent is done
    assert turns[0]["requests"] == 4 and len(discovery_requests) == 4, story
    assert_true_matches(sandbox.world, await store.run_companies(run.id), criteria)


async def test_the_run_budget_stops_the_agent_then_the_user_raises_it(
    store: Store, settings: Settings, dsn: str, sandbox: SandboxServer
) -> None:
    criteria = parse_criteria(CHARLOTTE)
    with ScriptedLLM(Runaway()) as llm:
        run = await agent_run(store, criteria, budget={"max_llm_requests": 3})
        capped = with_llm(settings, llm, agent_max_steps=5)
        final = await work_until_settled(store, capped, dsn, run)
        assert (final.stage, final.status) == (Stage.COMPANY_DISCOVERY, Status.NEEDS_USER_DECISION)
        asked = [e.payload for e in await store.events_since(run.id) if e.event == "needs_user_decision"][-1]
        assert asked["reason"] == "budget_exhausted" and "LLM requests" in asked["limit"]
        assert [o["action"] for o in final.decision_options or []] == ["raise_budget", "accept_partial"]
        assert len(llm.requests) == 3  # not one request over the cap
        spent = await store.usage_totals(run.id)
        assert spent.llm_requests == 3

        await decide(store, run.id, Decision(action="raise_budget", max_llm_requests=50))
        final = await work_until_settled(store, capped, dsn, run)
    assert final.status == Status.COMPLETED
    assert len(await store.run_companies(run.id)) == 10


async def test_preview_projects_the_cost_then_continues(
    store: Store, settings: Settings, dsn: str, sandbox: SandboxServer
) -> None:
    criteria = parse_criteria({**CHARLOTTE, "quantity": 12})
    run = await create_run(store, criteria, batch_size=10, options={"sources": ["web"], "preview": True})
    fast = settings.model_copy(update={"fetch_timeout": 2.0, "politeness_delay": 0.02})
    final = await work_until_settled(store, fast, dsn, run)
    assert final.status == Status.NEEDS_USER_DECISION
    asked = [e.payload for e in await store.events_since(run.id) if e.event == "needs_user_decision"][-1]
    assert asked["reason"] == "preview"
    candidates = await store.candidate_stats(run.id)
    # a listing seen twice is settled as a duplicate unread: only what was read counts
    verified = [c for c in candidates if c["status"] in ("accepted", "rejected", "duplicate") and c["fetches"]]
    assert 1 <= len(verified) <= 10  # a sample, not the run
    projection = asked["projection"]
    ready = projection["companies_ready"]
    assert ready == len(await store.run_companies(run.id)) and ready > 0
    assert projection["per_accepted_company"]["fetches"] > 0
    assert [o["action"] for o in final.decision_options or []] == ["continue", "accept_partial"]
    with pytest.raises(Exception, match="raise-budget"):
        await decide(store, run.id, Decision(action="raise_budget", max_usd=3))  # not what was offered

    await decide(store, run.id, Decision(action="continue"))
    final = await work_until_settled(store, fast, dsn, run)
    assert final.status == Status.COMPLETED and len(await store.run_companies(run.id)) == 12


def test_cli_agent_run_parses_with_the_llm_and_reports_spending(dsn: str, tmp_path: Path) -> None:
    world = build(7)
    with ScriptedLLM(ResearcherBrain()) as llm:
        result = leadscout(
            "run",
            "--sandbox",
            "6 property managers in Charlotte, NC",
            "--geo",
            "city",
            "--json",
            "--out",
            str(tmp_path),
            dsn=dsn,
            env={"LEADSCOUT_FETCH_TIMEOUT": "2", "LEADSCOUT_POLITENESS_DELAY": "0.05", **llm.env()},
            timeout=300,
        )
        parse_requests = [r for r in llm.requests if r.schema_name == "CriteriaDraft"]
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Understood (the LLM)" in result.stderr and len(parse_requests) == 1
    summary = json.loads(result.stdout)
    assert (summary["status"], summary["strategy"], summary["companies_found"]) == ("completed", "agent", 6)
    scopes = {row["scope"] for row in summary["usage"]["by_stage"]}
    assert {"parse", "discovery", "research", "contacts"} <= scopes
    assert summary["usage"]["per_accepted_company"]["llm_requests"] > 0
    criteria = parse_criteria({**CHARLOTTE, "quantity": 6})
    for row in json.loads(Path(summary["exports"]["companies_json"]).read_text()):
        assert matches(world.by_domain[row["domain"]], criteria)
