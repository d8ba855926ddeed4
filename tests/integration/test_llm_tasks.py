"""The LLM helpers against a scripted model that speaks the real OpenAI Chat Completions protocol
over HTTP: every answer is checked before it is used, failures degrade, and usage is metered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from leadscout.agents.llm import Llm, build_llm
from leadscout.agents.tasks import CriteriaDraft, companies_on_list_page, judge_unknown, parse_request, write_brief
from leadscout.config import Settings
from leadscout.criteria import parse_criteria
from leadscout.db.store import Store
from leadscout.errors import BudgetExceeded, LlmError
from leadscout.models import CompanyFacts, Evidence, Fact, Verdict
from leadscout.pipeline.request import understand
from leadscout.research.read.extract import Link, PageFacts
from leadscout.research.web.fetch import FetchResult
from leadscout.sandbox.llm import ChatRequest, Reply, ResearcherBrain, ScriptedLLM
from leadscout.usage import Budget, Meter, metering

pytestmark = [pytest.mark.integration, pytest.mark.once]


class Brain:
    """A brain whose next answer the test sets."""

    def __init__(self) -> None:
        self.answer: Reply | Exception = Reply(content="{}")
        self.seen: list[ChatRequest] = []

    def __call__(self, request: ChatRequest) -> Reply:
        self.seen.append(request)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.fixture
def brain() -> Brain:
    return Brain()


@pytest.fixture
def llm(brain: Brain) -> Iterator[Llm]:
    with ScriptedLLM(brain) as server:
        settings = Settings(
            llm="scripted-researcher", llm_base_url=server.base_url, llm_api_key=server.api_key, llm_timeout=10
        )  # type: ignore[call-arg]
        model = build_llm(settings)
        assert model is not None
        yield model


def page(url: str, text: str, links: list[Link] | None = None, title: str = "") -> tuple[FetchResult, PageFacts]:
    result = FetchResult(url=url, final_url=url, ok=True, status=200, text=text, content_hash="h1")
    return result, PageFacts(url=url, title=title, text=text, links=links or [])


async def test_request_parsing_drops_cities_the_request_does_not_name(llm: Llm, brain: Brain) -> None:
    brain.answer = Reply.json({"quantity": 25, "state": "TX", "cities": ["Austin", "Houston"], "pms": ["appfolio"]})
    found, notes = await parse_request(llm, "25 AppFolio property managers in Austin, TX")
    assert found["cities"] == ["Austin"] and found["quantity"] == 25 and found["pms"] == ["appfolio"]
    assert notes and "Houston" in notes[0]
    request = brain.seen[-1]
    assert request.schema_name == "CriteriaDraft"  # JSON-schema output, not free text
    schema = (request.response_format or {})["json_schema"]["schema"]
    assert schema["properties"]["cities"]["maxItems"] == 5  # bounded, or small models loop
    extra = request.model_extra or {}
    max_tokens = extra.get("max_completion_tokens") or extra.get("max_tokens")
    assert max_tokens == Settings().llm_max_output_tokens  # every answer is capped, so a looping model stops


async def test_understand_shows_the_llm_parse_and_falls_back_to_rules_when_it_fails(llm: Llm, brain: Brain) -> None:
    brain.answer = Reply.json({"quantity": 12, "state": "CO", "cities": ["Denver"], "units_min": 200})
    understood = await understand("12 property managers in Denver, CO with 200+ units", llm, contacts_max=2)
    assert understood.parser == "llm" and understood.criteria.units_min == 200 and understood.criteria.contacts_max == 2
    assert understood.usage.llm_requests == 1 and understood.usage.input_tokens > 0
    brain.answer = Reply(content="this is not JSON at all")
    fallback = await understand("12 property managers in Denver, CO with 200+ units", llm)
    assert fallback.parser == "rules" and fallback.criteria.cities == ["Denver"]
    assert "could not parse" in fallback.notes[0]


async def test_a_bad_provider_answer_is_a_clear_error(llm: Llm, brain: Brain) -> None:
    brain.answer = Reply.json({"quantity": "many"})
    with pytest.raises(LlmError, match="CriteriaDraft"):
        await llm.structured(CriteriaDraft, "parse", "Request: lots")
    brain.answer = RuntimeError("the model server crashed")  # a 500 from the server
    with pytest.raises(LlmError, match="HTTP 500"):
        await llm.structured(CriteriaDraft, "parse", "Request: lots")


async def test_list_page_extraction_keeps_only_domains_the_page_shows(llm: Llm, brain: Brain) -> None:
    text = "We asked landlords. Most liked Oak Property Management (oakpm.com) and River Rentals (riverpm.net)."
    brain.answer = Reply.json(
        {
            "companies": [
                {"name": "Oak Property Management", "website": "oakpm.com"},
                {"name": "River Rentals", "website": "https://www.riverpm.net/about"},
                {"name": "Invented Realty", "website": "http://invented-realty.com"},
            ]
        }
    )
    _, facts = page("http://www.landlordforum.net/t/1", text, title="Best property managers? - forum thread")
    found = await companies_on_list_page(llm, facts)
    assert found == [("Oak Property Management", "http://oakpm.com/"), ("River Rentals", "http://www.riverpm.net/")]


async def test_judge_needs_a_verbatim_quote_and_the_rules_decide(llm: Llm, brain: Brain) -> None:
    criteria = parse_criteria({"quantity": 5, "state": "TX", "cities": ["Austin"], "units_min": 200})
    text = "Founded in 1999. Today roughly 340 residences trust our team with their care. Call us."
    pages = [page("http://www.acme.com/about", text)]
    brain.answer = Reply.json(
        {
            "found": True,
            "value": "340",
            "quote": "Today roughly 340 residences trust our team with their care.",
            "url": "http://www.acme.com/about",
        }
    )
    verdict = await judge_unknown(llm, "units_min", criteria, pages)
    assert verdict is not None and verdict.verdict == Verdict.TRUE
    assert (
        verdict.evidence[0].source.startswith("llm_judge:") and verdict.evidence[0].url == "http://www.acme.com/about"
    )

    brain.answer = Reply.json({"found": True, "value": "340", "quote": "We manage 340 units.", "url": pages[0][0].url})
    assert await judge_unknown(llm, "units_min", criteria, pages) is None  # not on the page: dropped

    brain.answer = Reply.json(
        {"found": True, "value": "900", "quote": "Today roughly 340 residences trust our team", "url": pages[0][0].url}
    )
    assert await judge_unknown(llm, "units_min", criteria, pages) is None  # the value is not in the quote

    small = "Today roughly 150 residences trust our team with their care."
    brain.answer = Reply.json({"found": True, "value": "150", "quote": small, "url": "http://www.acme.com/about"})
    verdict = await judge_unknown(llm, "units_min", criteria, [page("http://www.acme.com/about", small)])
    assert verdict is not None and verdict.verdict == Verdict.FALSE  # the model cannot relax the minimum

    assert await judge_unknown(llm, "pms", criteria, pages) is None  # PMS needs a portal link, never a model's word


async def test_the_researcher_brain_judges_from_the_page_alone() -> None:
    criteria = parse_criteria({"quantity": 5, "state": "TX", "units_min": 100})
    text = "Welcome. We look after 1,250 rental homes across the metro. Contact us today."
    with ScriptedLLM(ResearcherBrain()) as server:
        settings = Settings(llm="x", llm_base_url=server.base_url, llm_api_key=server.api_key)  # type: ignore[call-arg]
        model = build_llm(settings)
        assert model is not None
        verdict = await judge_unknown(model, "units_min", criteria, [page("http://www.b.com/", text)])
    assert verdict is not None and verdict.verdict == Verdict.TRUE and "1,250" in verdict.evidence[0].quote


async def test_brief_cites_only_evidence_urls(llm: Llm, brain: Brain) -> None:
    now = datetime.now(UTC)
    facts = CompanyFacts(
        units_estimate=Fact(value=300, evidence=[Evidence(url="http://www.acme.com/", quote="300 units", source="x")]),
        year_founded=Fact(value=1999, evidence=[Evidence(url="http://www.acme.com/about", source="y", fetched_at=now)]),
        fit_reasons=["300 units stated"],
    )
    brain.answer = Reply.json(
        {
            "summary": "Acme manages 300 units.",
            "fit": "Large enough.",
            "talking_points": ["Portal migration"],
            "sources": ["http://www.acme.com/", "http://made-up.example/"],
        }
    )
    brief = await write_brief(llm, "Acme PM", "acme.com", facts)
    assert brief.sources == ["http://www.acme.com/"]
    assert "http://www.acme.com/about" in brain.seen[-1].prompt  # the model saw the evidence it may cite


async def test_calls_are_metered_and_capped(llm: Llm, brain: Brain) -> None:
    brain.answer = Reply.json({"quantity": 3})
    meter = Meter(uuid4(), "parse", budget=Budget(max_llm_requests=2))
    with metering(meter):
        await llm.structured(CriteriaDraft, "parse", "Request: 3 companies")
        await llm.structured(CriteriaDraft, "parse", "Request: 3 companies")
        assert meter.usage.llm_requests == 2 and meter.usage.input_tokens > 0 and meter.usage.output_tokens > 0
        calls = len(brain.seen)
        with pytest.raises(BudgetExceeded, match="run LLM requests"):
            await llm.structured(CriteriaDraft, "parse", "Request: 3 companies")
    assert len(brain.seen) == calls  # the cap stopped the call before it was sent
    assert meter.usage.unpriced_models == ["scripted-researcher"]


def test_no_llm_configured_means_none() -> None:
    assert build_llm(Settings()) is None  # type: ignore[call-arg]


async def test_with_an_llm_a_forum_thread_on_the_sandbox_becomes_candidates(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leadscout.pipeline.web_source import WebSource, WebTools
    from leadscout.research.web.fetch import Fetcher, FetchPolicy
    from leadscout.research.web.http import make_client
    from leadscout.research.web.search import SearxngProvider
    from leadscout.sandbox import pages
    from leadscout.sandbox.server import SandboxServer
    from leadscout.sandbox.world import FORUM_HOST

    with SandboxServer(seed=7) as sandbox, ScriptedLLM(ResearcherBrain()) as server:
        for key, value in sandbox.env().items():
            monkeypatch.setenv(key, value)
        settings = Settings(llm="x", llm_base_url=server.base_url, llm_api_key=server.api_key)  # type: ignore[call-arg]
        model = build_llm(settings)
        url = next(u for u in pages.forum_paths(sandbox.world) if "tampa" in u)
        thread = next(d for d in sandbox.world.directories if d.host == FORUM_HOST and d.metro == "Tampa")
        async with make_client(timeout=5) as client:
            tools = WebTools(SearxngProvider(sandbox.url, client), Fetcher(client, FetchPolicy(politeness_delay=0)))
            assert await WebSource(store, tools).list_companies(url) == []  # no links: the rules find nothing
            found = await WebSource(store, tools, llm=model).list_companies(url)
        asked = [r for r in server.requests if r.schema_name == "ListedCompanies"]
    domains = {w.removeprefix("http://www.").rstrip("/") for _, w, _ in found}
    assert len(asked) == 1 and domains == {sandbox.world.by_slug[s].domain for s in thread.slugs}
