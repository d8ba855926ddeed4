"""A user's answer to a run that waits in ``needs_user_decision``: the options rv_agentic
offered (expand the location, loosen the PMS, lower the unit minimum, accept partial
results). Each decision is recorded in run_events and resumes the run where it stopped:

* accept-partial: the run goes on with what it has (to research, or to completion);
* continue (after a --preview) and raise-budget (after a spending cap): discovery goes on,
  with the preview over or the run's caps raised;
* the others change the criteria, reopen the candidates rejected only on that criterion,
  drop the companies that could not reach contacts_min (when that was the question), and
  send the run back to discovery to fill the gap."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from leadscout.criteria import Criteria
from leadscout.db.store import Store
from leadscout.errors import Conflict, UserError
from leadscout.models import Run, Stage, Status
from leadscout.pipeline import jobs, state
from leadscout.pipeline.runs import get_run_or_raise

Action = Literal["expand_location", "loosen_pms", "lower_units", "accept_partial", "continue", "raise_budget"]
REOPENS = {"expand_location": "location", "loosen_pms": "pms", "lower_units": "units_min"}


class Decision(BaseModel):
    action: Action
    cities: list[str] = Field(default_factory=list)  # expand_location: cities to add
    radius_miles: int | None = Field(default=None, ge=1, le=500)  # expand_location: a wider metro
    pms: list[str] = Field(default_factory=list)  # loosen_pms: vendors to allow; empty = any
    units_min: int | None = Field(default=None, ge=0)  # lower_units
    max_usd: float | None = Field(default=None, ge=0)  # raise_budget
    max_llm_requests: int | None = Field(default=None, ge=0)  # raise_budget


def revise(criteria: Criteria, decision: Decision) -> Criteria:
    """The criteria after ``decision`` (validated like any request)."""
    changes: dict[str, Any] = {}
    if decision.action == "expand_location":
        if not decision.cities and decision.radius_miles is None:
            raise UserError("expand-location needs --cities A,B or --radius MILES")
        if decision.cities:
            changes["cities"] = list(dict.fromkeys([*criteria.cities, *decision.cities]))
        if decision.radius_miles is not None:
            changes |= {"geo_scope": "metro", "metro_radius_miles": decision.radius_miles}
    elif decision.action == "loosen_pms":
        changes["pms"] = decision.pms
    elif decision.action == "lower_units":
        if decision.units_min is None:
            raise UserError("lower-units needs the new minimum, e.g. `lower-units 50`")
        if criteria.units_min is not None and decision.units_min >= criteria.units_min:
            raise UserError(f"lower-units {decision.units_min} is not below the current {criteria.units_min}")
        changes["units_min"] = decision.units_min
    return criteria.revised(**changes)


async def decide(store: Store, run_id: UUID | str, decision: Decision) -> Run:
    run = await get_run_or_raise(store, run_id)
    async with store.transaction() as conn:
        locked = await store.lock_run(run.id, conn)
        if locked is None or locked.status != Status.NEEDS_USER_DECISION:
            now = locked.status.value if locked else "gone"
            raise Conflict(f"run {run.id} is {now}: only a run in needs_user_decision takes a decision")
        criteria = locked.criteria
        options = dict(locked.options)
        payload = decision.model_dump(exclude_defaults=True)
        if decision.action in ("continue", "raise_budget"):
            options = _resumed_options(locked, decision, options)
            await store.update_run_request(locked.id, locked.criteria, options, conn)
            await state.move(store, conn, locked, "resume", **payload)
            resumed = locked.model_copy(update={"status": Status.ACTIVE, "options": options})
            await jobs.enqueue(store, conn, jobs.discover_job(resumed))
        elif decision.action == "accept_partial":
            options["accept_partial"] = True
            await store.update_run_request(locked.id, locked.criteria, options, conn)
            await state.move(store, conn, locked, "accept_partial", **payload)
            resumed = locked.model_copy(update={"status": Status.ACTIVE, "options": options})
            next_job = jobs.complete_job(resumed) if locked.stage == Stage.CONTACT_DISCOVERY else None
            if locked.stage == Stage.COMPANY_DISCOVERY:
                next_job = jobs.discover_job(resumed)  # it sees accept_partial and moves on to research
            if next_job is not None:
                await jobs.enqueue(store, conn, next_job)
        else:
            revised = revise(criteria, decision)
            if locked.stage == Stage.CONTACT_DISCOVERY:
                dropped = await store.drop_short_companies(locked.id, "contacts_short: replaced by decision", conn)
                payload["dropped"] = [row["domain"] for row in dropped]
            await store.reopen_rejected_candidates(locked.id, REOPENS[decision.action], conn)
            await store.update_run_request(locked.id, revised, options, conn)
            payload["criteria"] = revised.describe()
            await state.move(store, conn, locked, "rediscover", **payload)
            resumed = locked.model_copy(update={"stage": Stage.COMPANY_DISCOVERY, "status": Status.ACTIVE})
            await jobs.enqueue(store, conn, jobs.discover_job(resumed))
        await store.insert_event(locked.id, "user_decision", payload, conn=conn)
    return await get_run_or_raise(store, run.id)


def _resumed_options(run: Run, decision: Decision, options: dict[str, Any]) -> dict[str, Any]:
    """The run's options after continue (the preview is over) or raise_budget (higher caps)."""
    asked = {o.get("action") for o in run.decision_options or []}
    if decision.action not in asked:
        offered = ", ".join(sorted(str(a) for a in asked)) or "nothing"
        raise Conflict(f"run {run.id} was not offered {decision.action.replace('_', '-')} (it offers: {offered})")
    if decision.action == "continue":
        return options | {"preview": False}
    caps = {k: v for k, v in (("max_usd", decision.max_usd), ("max_llm_requests", decision.max_llm_requests)) if v}
    if not caps:
        raise UserError("raise-budget needs --usd DOLLARS and/or --llm-requests N")
    return options | {"budget": {**options.get("budget", {}), **caps}}
