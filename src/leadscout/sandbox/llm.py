"""A scripted language model behind the real OpenAI Chat Completions HTTP protocol, on loopback.

It is the LLM at the edge of the sandbox world: ``POST /v1/chat/completions`` takes the same
body an OpenAI client sends (messages, tools, tool_choice, response_format with a JSON schema)
and answers with the same JSON (assistant content or ``tool_calls``, ``finish_reason`` and
``usage``), or with server-sent events when ``stream`` is true. What it says comes from a
*brain*: a function of the request. Token counts are estimated (about 4 characters a token),
so usage figures measured against it are estimates.

:class:`ResearcherBrain` is a competent scripted researcher: it parses requests, extracts
companies from list pages, quotes pages when asked to judge, writes briefs, and runs the
discovery loop through whatever tools it is given, using only what the conversation shows it."""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from leadscout.pipeline.request import parse_request
from leadscout.serving import ThreadedServer


class ChatRequest(BaseModel):
    """The Chat Completions request body (only what a brain needs is typed)."""

    model_config = ConfigDict(extra="allow")

    model: str = "scripted"
    messages: list[dict[str, Any]] = Field(default_factory=list)
    tools: list[dict[str, Any]] | None = None
    tool_choice: Any = None
    response_format: dict[str, Any] | None = None
    stream: bool = False

    @property
    def tool_names(self) -> list[str]:
        return [t["function"]["name"] for t in self.tools or [] if t.get("type") == "function"]

    @property
    def schema_name(self) -> str | None:
        if self.response_format and self.response_format.get("type") == "json_schema":
            return str(self.response_format.get("json_schema", {}).get("name", ""))
        return None

    def text_of(self, role: str) -> str:
        return "\n".join(_content(m) for m in self.messages if m.get("role") == role)

    @property
    def prompt(self) -> str:
        """The last user message."""
        users = [m for m in self.messages if m.get("role") == "user"]
        return _content(users[-1]) if users else ""

    def tool_results(self) -> list[tuple[str, Any]]:
        """(tool name, parsed result) of every tool result so far, oldest first."""
        names = {
            call["id"]: call["function"]["name"]
            for m in self.messages
            if m.get("role") == "assistant"
            for call in m.get("tool_calls") or []
        }
        out = []
        for m in self.messages:
            if m.get("role") == "tool":
                text = _content(m)
                try:
                    value: Any = json.loads(text)
                except ValueError:
                    value = text
                out.append((names.get(m.get("tool_call_id", ""), "?"), value))
        return out

    def calls_made(self) -> list[tuple[str, dict[str, Any]]]:
        out = []
        for m in self.messages:
            for call in m.get("tool_calls") or [] if m.get("role") == "assistant" else []:
                try:
                    args = json.loads(call["function"]["arguments"] or "{}")
                except ValueError:
                    args = {}
                out.append((call["function"]["name"], args))
        return out


def _content(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")


@dataclass
class Reply:
    content: str | None = None
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @staticmethod
    def json(value: Any) -> Reply:
        return Reply(content=json.dumps(value))

    @staticmethod
    def call(name: str, **arguments: Any) -> Reply:
        return Reply(tool_calls=[(name, arguments)])


Brain = Callable[[ChatRequest], Reply]


def estimate_tokens(text: str) -> int:
    return max(1, len(text) // 4)


class ScriptedLLM:
    """The OpenAI-compatible server for a brain, on 127.0.0.1 (a free port), in a thread."""

    def __init__(self, brain: Brain, *, api_key: str = "sandbox-llm-key") -> None:
        self.brain, self.api_key = brain, api_key
        self.requests: list[ChatRequest] = []
        self.usage = {"prompt_tokens": 0, "completion_tokens": 0}
        self._ids = itertools.count(1)
        self.app = self._build()
        self._server = ThreadedServer(self.app, lifespan="off", name="scripted-llm")

    @property
    def base_url(self) -> str:
        return f"{self._server.url}/v1"

    def env(self, model: str = "scripted-researcher") -> dict[str, str]:
        return {"LEADSCOUT_LLM": model, "LEADSCOUT_LLM_BASE_URL": self.base_url, "LEADSCOUT_LLM_API_KEY": self.api_key}

    def start(self) -> ScriptedLLM:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> ScriptedLLM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _build(self) -> FastAPI:
        app = FastAPI(title="scripted OpenAI-compatible model")

        @app.get("/v1/models")
        async def models() -> dict[str, Any]:
            return {"object": "list", "data": [{"id": "scripted-researcher", "object": "model", "owned_by": "sandbox"}]}

        @app.post("/v1/chat/completions", response_model=None)
        async def complete(body: dict[str, Any], authorization: str | None = None) -> Any:
            return self._complete(ChatRequest.model_validate(body))

        @app.middleware("http")
        async def auth(request: Any, call_next: Any) -> Any:
            if request.headers.get("authorization") != f"Bearer {self.api_key}":
                error = {"message": "Incorrect API key provided.", "type": "invalid_request_error", "code": "bad_key"}
                return JSONResponse({"error": error}, 401)
            return await call_next(request)

        return app

    def _complete(self, request: ChatRequest) -> Any:
        self.requests.append(request)
        reply = self.brain(request)
        prompt_tokens = estimate_tokens(json.dumps(request.messages) + json.dumps(request.tools or []))
        calls = [
            {"id": f"call_{next(self._ids)}", "type": "function", "function": {"name": n, "arguments": json.dumps(a)}}
            for n, a in reply.tool_calls
        ]
        completion_tokens = estimate_tokens((reply.content or "") + json.dumps([c["function"] for c in calls]))
        self.usage["prompt_tokens"] += prompt_tokens
        self.usage["completion_tokens"] += completion_tokens
        message: dict[str, Any] = {"role": "assistant", "content": reply.content}
        if calls:
            message["tool_calls"] = calls
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        finish = "tool_calls" if calls else "stop"
        ident = f"chatcmpl-{next(self._ids)}"
        if request.stream:
            return StreamingResponse(_sse(ident, request.model, message, finish, usage), media_type="text/event-stream")
        return {
            "id": ident,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
            "usage": usage,
        }


def _sse(ident: str, model: str, message: dict[str, Any], finish: str, usage: dict[str, int]) -> Iterator[str]:
    base = {"id": ident, "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
    delta: dict[str, Any] = {"role": "assistant", "content": message.get("content")}
    if message.get("tool_calls"):
        delta["tool_calls"] = [{"index": i, **call} for i, call in enumerate(message["tool_calls"])]
    yield f"data: {json.dumps(base | {'choices': [{'index': 0, 'delta': delta, 'finish_reason': None}]})}\n\n"
    yield f"data: {json.dumps(base | {'choices': [{'index': 0, 'delta': {}, 'finish_reason': finish}]})}\n\n"
    yield f"data: {json.dumps(base | {'choices': [], 'usage': usage})}\n\n"
    yield "data: [DONE]\n\n"


# -- a competent scripted researcher ----------------------------------------------------------------
_URL = re.compile(r"https?://[^\s\"'<>)]+")
_DOMAIN_IN_TEXT = re.compile(r"\(([a-z0-9-]+\.(?:com|net|org|co))\)")


@dataclass
class ResearcherBrain:
    """Answers each kind of request leadscout makes, from what the conversation shows it."""

    extra_proposals: list[dict[str, str]] = field(default_factory=list)  # e.g. a company that violates a criterion

    def __call__(self, request: ChatRequest) -> Reply:
        if request.schema_name:
            return self.structured(request)
        if "search_web" in request.tool_names:
            return self.discover(request)
        if "final_result" in request.tool_names:
            return Reply.call("final_result", **self.structured_value("final_result", request))
        return Reply(content="I have nothing to add.")

    # structured output (response_format json_schema)
    def structured(self, request: ChatRequest) -> Reply:
        return Reply.json(self.structured_value(request.schema_name or "", request))

    def structured_value(self, name: str, request: ChatRequest) -> dict[str, Any]:
        prompt = request.prompt
        if name == "CriteriaDraft":
            found = parse_request(prompt.split("Request:", 1)[-1].strip())
            found.pop("natural_request", None)
            return found
        if name == "ListedCompanies":
            return {"companies": _listed(prompt)}
        if name == "CriterionJudgement":
            return _judgement(prompt)
        if name == "ResearchBrief":
            urls = list(dict.fromkeys(_URL.findall(prompt)))
            first = prompt.splitlines()[0][:200] if prompt else ""
            return {
                "summary": f"Brief: {first}",
                "fit": "Matches the requested criteria on the evidence listed.",
                "talking_points": ["Ask about their current portal experience."],
                "sources": urls[:3],
            }
        return {}

    # the discovery loop (tool calls)
    def discover(self, request: ChatRequest) -> Reply:
        results = request.tool_results()
        calls = request.calls_made()
        last = results[-1] if results else None
        if last and last[0] == "check_progress" and isinstance(last[1], dict) and last[1].get("gap", 1) <= 0:
            return Reply.call("final_result", summary="The batch is filled.", exhausted=False)
        listed = [name for name, _ in calls if name == "companies_on_page"]
        if last and last[0] == "search_web" and isinstance(last[1], list):
            pages = [r["url"] for r in last[1] if isinstance(r, dict) and "url" in r]
            lists = [u for u in pages if any(w in u for w in ("directory", "top", "guide", "managers", "best"))]
            if lists:
                return Reply(tool_calls=[("companies_on_page", {"url": u}) for u in lists[:3]])
        if last and last[0] == "companies_on_page":
            found: list[dict[str, str]] = []
            for name, value in results[-len(listed) :]:
                if name == "companies_on_page" and isinstance(value, list):
                    found += [c for c in value if isinstance(c, dict)]
            proposals = [{"name": c["name"], "website": c["website"]} for c in found][:40]
            if self.extra_proposals and not any(n == "propose_companies" for n, _ in calls):
                proposals = self.extra_proposals + proposals
            if proposals:
                return Reply.call("propose_companies", companies=proposals)
        if last and last[0] == "propose_companies":
            return Reply.call("check_progress")
        searches = [args.get("query", "") for name, args in calls if name == "search_web"]
        queries = _queries(request.prompt)
        remaining = [q for q in queries if q not in searches]
        if not remaining:
            return Reply.call("final_result", summary="I have tried every query I could think of.", exhausted=True)
        return Reply.call("search_web", query=remaining[0])


def _queries(prompt: str) -> list[str]:
    where = re.search(r"Location: (.+)", prompt)
    place = where.group(1).strip() if where else "United States"
    vendors = re.search(r"PMS: (.+)", prompt)
    out = [f"property management companies in {place}", f"top property managers {place}"]
    if vendors and vendors.group(1).strip() != "any":
        out.append(f"{vendors.group(1).split(',')[0].strip()} property management {place}")
    out.append(f"best property management company {place}")
    return out


def _listed(prompt: str) -> list[dict[str, str]]:
    """Companies named in a page's text together with their domain, e.g. "Oak PM (oakpm.com)"."""
    out = []
    for match in _DOMAIN_IN_TEXT.finditer(prompt):
        before = prompt[max(0, match.start() - 80) : match.start()]
        name = re.split(r"[.!?:;,\n]|\b(?:with|at|to|by|try|Honestly)\b", before)[-1].strip()
        if name:
            out.append({"name": name[:100], "website": f"http://www.{match.group(1)}/"})
    return out[:20]


def _judgement(prompt: str) -> dict[str, Any]:
    """Find a sentence on a page that answers the criterion, and quote it verbatim."""
    criterion = re.search(r"Criterion: (\w+)", prompt)
    pages = re.findall(r"URL: (\S+)\nTEXT:\n(.*?)(?=\nURL: |\Z)", prompt, re.DOTALL)
    kind = criterion.group(1) if criterion else ""
    for url, text in pages:
        if kind in ("units_min", "units_max"):
            for sentence in re.findall(r"[^.!?]*[.!?]", text):
                number = re.search(r"\b(\d[\d,]*)\b", sentence)
                if number and re.search(r"units|doors|homes|residences|apartments|rentals", sentence, re.I):
                    value = number.group(1).replace(",", "")
                    return {"found": True, "value": value, "quote": sentence.strip()[:280], "url": url}
        place = re.search(r"[^.]*\b([A-Z][a-z]+(?: [A-Z][a-z]+)?), ([A-Z]{2})\b[^.]*", text)
        if kind == "location" and place:
            value = f"{place.group(1)}, {place.group(2)}"
            return {"found": True, "value": value, "quote": place.group(0).strip()[:280], "url": url}
    return {"found": False, "value": "", "quote": "", "url": ""}
