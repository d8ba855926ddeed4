"""Metering and budgets: every LLM call, search, fetch and email check of a unit of work is
counted against its run (and company), priced from ``data/prices.json``, and checked against
the run's caps before more is spent.

A unit of work opens a :class:`Meter` (``metered``); the research tools record into whichever
meter is current (a context variable, so concurrent jobs of one worker never mix their
counts), and the pipeline stores the unit's usage when it ends, success or not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from leadscout.config import Settings
from leadscout.errors import BudgetExceeded

COUNTERS = ("llm_requests", "input_tokens", "output_tokens", "tool_calls", "searches", "fetches", "email_checks")


class Usage(BaseModel):
    llm_requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    tool_calls: int = 0
    searches: int = 0
    fetches: int = 0
    email_checks: int = 0
    cost_usd: float = 0.0
    unpriced_models: list[str] = Field(default_factory=list)

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def __add__(self, other: Usage) -> Usage:
        merged = {name: getattr(self, name) + getattr(other, name) for name in COUNTERS}
        unpriced = sorted({*self.unpriced_models, *other.unpriced_models})
        return Usage(**merged, cost_usd=round(self.cost_usd + other.cost_usd, 6), unpriced_models=unpriced)

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in COUNTERS)


class Budget(BaseModel):
    """Hard caps. Run caps cover everything a run spends; company caps cover the research and
    contact work of one company. None means no cap. The deployment's defaults come from the
    settings (LEADSCOUT_MAX_*); a run may override any of them (``run.options["budget"]``)."""

    max_usd: float | None = Field(default=None, ge=0)
    max_llm_requests: int | None = Field(default=None, ge=0)
    max_tokens: int | None = Field(default=None, ge=0)
    max_usd_per_company: float | None = Field(default=None, ge=0)
    max_llm_requests_per_company: int | None = Field(default=None, ge=0)

    @staticmethod
    def from_settings(settings: Settings) -> Budget:
        return Budget(
            max_usd=settings.max_usd_per_run,
            max_llm_requests=settings.max_llm_requests_per_run,
            max_tokens=settings.max_tokens_per_run,
            max_usd_per_company=settings.max_usd_per_company,
            max_llm_requests_per_company=settings.max_llm_requests_per_company,
        )

    def overridden(self, overrides: dict[str, Any] | None) -> Budget:
        """These caps with a run's own overrides on top."""
        return self.model_copy(update={k: v for k, v in (overrides or {}).items() if k in Budget.model_fields})


@cache
def prices() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files("leadscout").joinpath("data/prices.json").read_text())
    return data


def llm_cost(model: str, input_tokens: int, output_tokens: int) -> float | None:
    """Dollars for a model's tokens, or None when the model is not in the price table."""
    table = prices()["llm_per_million_tokens"]
    name = model.rpartition(":")[2]
    price = table.get(name) or next((p for key, p in table.items() if name.startswith(key + "-")), None)
    if price is None:
        return None
    return float(input_tokens * price["input"] + output_tokens * price["output"]) / 1_000_000


class Meter:
    """What one unit of work spends, on top of what its run (and company) spent before it."""

    def __init__(
        self,
        run_id: UUID,
        scope: str,
        *,
        company_id: UUID | None = None,
        budget: Budget | None = None,
        run_before: Usage | None = None,
        company_before: Usage | None = None,
        since: datetime | None = None,
    ) -> None:
        self.run_id, self.scope, self.company_id = run_id, scope, company_id
        self.since = since  # the run's start: a search answer older than it is not this run's to reuse
        self.budget = budget or Budget()
        self.run_before = run_before or Usage()
        self.company_before = company_before or Usage()
        self.usage = Usage()

    def _add(self, **counts: Any) -> None:
        self.usage = self.usage + Usage(**counts)

    def search(self, provider: str) -> None:
        self._add(searches=1, cost_usd=float(prices()["search_per_query"].get(provider, 0.0)))

    def fetch(self) -> None:
        self._add(fetches=1, cost_usd=float(prices()["fetch"]))

    def email_check(self) -> None:
        self._add(email_checks=1, cost_usd=float(prices()["email_check"]))

    def llm(self, model: str, *, requests: int, input_tokens: int, output_tokens: int, tool_calls: int = 0) -> None:
        cost = llm_cost(model, input_tokens, output_tokens)
        self._add(
            llm_requests=requests,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            tool_calls=tool_calls,
            cost_usd=cost or 0.0,
            unpriced_models=[] if cost is not None else [model],
        )

    # -- caps --------------------------------------------------------------------------------
    @property
    def run_total(self) -> Usage:
        return self.run_before + self.usage

    @property
    def company_total(self) -> Usage:
        return self.company_before + self.usage

    def check(self) -> None:
        """Raise BudgetExceeded when a cap is already reached (call before spending more)."""
        b, run = self.budget, self.run_total
        self._cap("run dollars", round(run.cost_usd, 4), b.max_usd)
        self._cap("run LLM requests", run.llm_requests, b.max_llm_requests)
        self._cap("run tokens", run.tokens, b.max_tokens)
        if self.company_id is not None:
            company = self.company_total
            self._cap("company dollars", round(company.cost_usd, 4), b.max_usd_per_company)
            self._cap("company LLM requests", company.llm_requests, b.max_llm_requests_per_company)

    @staticmethod
    def _cap(limit: str, spent: float | int, cap: float | int | None) -> None:
        if cap is not None and spent >= cap:
            raise BudgetExceeded(limit, spent, cap)

    def llm_requests_left(self) -> int | None:
        """LLM requests this unit may still make (the tighter of the run and company caps)."""
        left = []
        if self.budget.max_llm_requests is not None:
            left.append(self.budget.max_llm_requests - self.run_total.llm_requests)
        if self.company_id is not None and self.budget.max_llm_requests_per_company is not None:
            left.append(self.budget.max_llm_requests_per_company - self.company_total.llm_requests)
        return max(0, min(left)) if left else None

    def tokens_left(self) -> int | None:
        if self.budget.max_tokens is None:
            return None
        return max(0, self.budget.max_tokens - self.run_total.tokens)


def project(spent: Usage, ready: int, target: int) -> dict[str, Any]:
    """What the run spent, per accepted company, and what the rest of the target would cost."""
    out: dict[str, Any] = {"companies_ready": ready, "target": target, "spent": spent.model_dump()}
    if ready:
        per = {
            "cost_usd": round(spent.cost_usd / ready, 6),
            "llm_requests": round(spent.llm_requests / ready, 2),
            "tokens": round(spent.tokens / ready, 1),
            "searches": round(spent.searches / ready, 2),
            "fetches": round(spent.fetches / ready, 2),
        }
        out |= {
            "per_accepted_company": per,
            "projected_total_usd": round(per["cost_usd"] * target, 4),
            "projected_remaining_usd": round(per["cost_usd"] * max(0, target - ready), 4),
        }
    return out


_current: ContextVar[Meter | None] = ContextVar("leadscout_meter", default=None)


def current() -> Meter | None:
    return _current.get()


@contextmanager
def metering(meter: Meter) -> Iterator[Meter]:
    """Make ``meter`` the one the research tools record into, for this task and its children."""
    token = _current.set(meter)
    try:
        yield meter
    finally:
        _current.reset(token)


def record_search(provider: str) -> None:
    if (meter := _current.get()) is not None:
        meter.check()
        meter.search(provider)


def fresh_since() -> datetime | None:
    """The oldest answer the current unit of work may reuse (None: any, outside a run)."""
    meter = _current.get()
    return meter.since if meter is not None else None


def record_fetch() -> None:
    if (meter := _current.get()) is not None:
        meter.fetch()


def record_email_check() -> None:
    if (meter := _current.get()) is not None:
        meter.email_check()
