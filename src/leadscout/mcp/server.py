"""leadscout as an MCP server: job-handle tools that let any MCP client (Claude, ChatGPT, an
agent) start runs, follow them, answer their questions and take their results.

Every tool returns within a few seconds: ``start_run`` queues the run and returns its id;
the work happens in workers (``leadscout mcp`` runs some in-process unless ``--workers 0``).
Served over stdio or streamable HTTP with the official ``mcp`` SDK."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import ValidationError

from leadscout import logs
from leadscout.db import outage
from leadscout.db.store import Store
from leadscout.errors import LeadscoutError, UserError
from leadscout.mcp.arguments import request_arguments
from leadscout.mcp.monitor_tools import register_monitor_tools
from leadscout.models import CompanyFacts
from leadscout.pipeline import export
from leadscout.pipeline.decisions import Decision, decide
from leadscout.pipeline.launch import Launch, prepare, start
from leadscout.pipeline.runs import cancel_run, get_run_or_raise, summarize

if TYPE_CHECKING:
    from leadscout.agents.llm import Llm

PAGE = 50
log = logging.getLogger(__name__)
ToolFn = Callable[..., Awaitable[Any]]


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise UserError(f"{value!r} is not a run id (a UUID)") from None


def _tools_of(server: MCPServer) -> Callable[..., Callable[[ToolFn], ToolFn]]:
    """``server.tool`` whose tools report leadscout's own errors as tool errors (the client
    sees the message; the server logs no traceback for a caller's mistake)."""

    def register(name: str | None = None) -> Callable[[ToolFn], ToolFn]:
        def decorate(fn: ToolFn) -> ToolFn:
            @functools.wraps(fn)
            async def guarded(*args: Any, **kwargs: Any) -> Any:
                try:
                    return await fn(*args, **kwargs)
                except LeadscoutError as exc:
                    raise ToolError(str(exc)) from None
                except Exception as exc:
                    if not outage.is_outage(exc):
                        raise
                    log.warning("tool %s met a database outage", fn.__name__, exc_info=exc, extra=logs.FILE_ONLY)
                    raise ToolError(
                        f"the database is restarting or unreachable ({outage.describe(exc)}); retry in a few seconds"
                    ) from None

            server.tool(name=name or fn.__name__)(guarded)
            return fn

        return decorate

    return register


def build_server(
    store: Store,
    *,
    batch_size: int = 10,
    exports_dir: Path,
    sandbox_seed: int | None = None,
    sandbox_style: str = "classic",
    llm: Llm | None = None,
) -> MCPServer:
    server = MCPServer(
        "leadscout",
        instructions=(
            "Build verified lead lists of US property-management companies. start_run queues a run and "
            "returns its id at once; poll get_run or events until status is completed or "
            "needs_user_decision (then call decide), and read the results with list_companies, "
            "list_contacts, get_evidence or export."
        ),
        log_level="WARNING",
    )
    tool = _tools_of(server)

    @tool()
    @request_arguments()
    async def start_run(request_model: Launch) -> dict[str, Any]:
        """Queue a lead-list run, e.g. request="25 AppFolio property managers in Austin, TX with 100+ units".
        Explicit fields override the sentence. Returns the run id and the criteria as understood.
        preview=true verifies about 10 candidates first and stops with the projected cost per accepted
        company (decide "continue" to go on). max_usd caps the run's spending. webhook_url gets signed
        run.completed / run.needs_user_decision events; the signing secret is returned this once."""
        launch = request_model
        prepared = await prepare(store, launch, llm=llm, sandbox_seed=sandbox_seed, sandbox_style=sandbox_style)
        run = await start(store, prepared, batch_size=batch_size)
        understood = prepared.understood
        answer = {
            "run_id": str(run.id),
            "criteria": understood.criteria.describe(),
            "parsed_by": understood.parser,
            "notes": [*understood.notes, *prepared.notices],
            "status": run.status.value,
        }
        if prepared.webhook is not None:
            answer["webhook_secret"] = prepared.webhook.secret.get_secret_value()
        return answer

    @tool()
    async def get_run(run_id: str) -> dict[str, Any]:
        """Stage, status, progress, decision options, spending of a run, and its files once completed."""
        return (await summarize(store, _uuid(run_id))).model_dump(mode="json")

    @tool()
    async def list_companies(run_id: str, offset: int = 0, limit: int = PAGE) -> list[dict[str, Any]]:
        """The run's companies (export columns), best fit first."""
        companies, _ = await export.export_rows(store, _uuid(run_id))
        return companies[offset : offset + min(limit, 200)]

    @tool()
    async def list_contacts(run_id: str, offset: int = 0, limit: int = PAGE) -> list[dict[str, Any]]:
        """The run's decision makers (export columns), with email verdicts."""
        _, contacts = await export.export_rows(store, _uuid(run_id))
        return contacts[offset : offset + min(limit, 200)]

    @tool()
    async def get_evidence(run_id: str, domain: str) -> dict[str, Any]:
        """Every criterion verdict of one company with its evidence (URL + quote), and its research facts."""
        run = await get_run_or_raise(store, _uuid(run_id))
        company = next((c for c in await store.run_companies(run.id) if c.domain == domain.lower()), None)
        if company is None:
            raise UserError(f"{domain} is not a company of run {run.id}")
        research = (await store.get_research(run.id)).get(company.id)
        facts = CompanyFacts.model_validate(research["facts"]).model_dump(mode="json") if research else None
        return {
            "domain": company.domain,
            "name": company.name,
            "verdicts": [v.model_dump(mode="json") for v in company.verdicts],
            "discovery_evidence": [e.model_dump(mode="json") for e in company.evidence],
            "research": facts,
        }

    @tool()
    async def events(run_id: str, after_id: int = 0, limit: int = 200) -> list[dict[str, Any]]:
        """Events of a run after ``after_id`` (pass the last id you saw), oldest first."""
        rows = await store.events_since(_uuid(run_id), after_id, min(limit, 500))
        return [e.model_dump(mode="json") for e in rows]

    @tool(name="decide")
    async def decide_tool(
        run_id: str,
        action: str,
        cities: list[str] | None = None,
        radius_miles: int | None = None,
        pms: list[str] | None = None,
        units_min: int | None = None,
        max_usd: float | None = None,
        max_llm_requests: int | None = None,
    ) -> dict[str, Any]:
        """Answer a run in needs_user_decision: action is expand_location (cities or radius_miles),
        loosen_pms (pms, empty = any), lower_units (units_min), accept_partial, accept_without_contacts
        (take back the companies replaced for want of a contact), continue (after a preview) or
        raise_budget (max_usd and/or max_llm_requests)."""
        try:
            decision = Decision.model_validate(
                {
                    "action": action.replace("-", "_"),
                    "cities": cities or [],
                    "radius_miles": radius_miles,
                    "pms": pms or [],
                    "units_min": units_min,
                    "max_usd": max_usd,
                    "max_llm_requests": max_llm_requests,
                }
            )
        except ValidationError as exc:
            raise UserError("invalid decision: " + "; ".join(str(e["msg"]) for e in exc.errors())) from None
        run = await decide(store, _uuid(run_id), decision)
        return {"run_id": str(run.id), "stage": run.stage.value, "status": run.status.value}

    @tool()
    async def cancel(run_id: str) -> dict[str, Any]:
        """Cancel a run that is still working or waiting for a decision."""
        run = await cancel_run(store, _uuid(run_id))
        return {"run_id": str(run.id), "status": run.status.value}

    @tool(name="export")
    async def export_tool(run_id: str, format: str = "csv") -> dict[str, str]:
        """Write the companies and contacts files (csv, json or xlsx); returns their paths."""
        rid = _uuid(run_id)
        return await export.export_run(store, rid, exports_dir / str(rid), format)

    register_monitor_tools(
        tool, store, batch_size=batch_size, sandbox_seed=sandbox_seed, sandbox_style=sandbox_style, llm=llm
    )
    return server
