"""A user's answer to a run that waits in ``needs_user_decision``: the options rv_agentic
offered (expand the location, loosen the PMS, lower the unit minimum, accept partial
results). Each decision is recorded in run_events and resumes the run where it stopped:

* accept-partial: the run goes on with what it has (to research, or to completion);
* accept-without-contacts: the companies replaced for want of a named decision maker come
  back, and the run goes on with them;
* continue (after a --preview) and raise-budget (after a spending cap): discovery goes on,
  with the preview over or the run's caps raised;
* the others change the criteria, reopen the candidates rejected only on that criterion,
  drop the companies that could not reach contacts_min (when that was the question), and
  send the run back to discovery to fill the gap."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from leadscout import geo
from leadscout.criteria import Criteria, VendorName, json_kinds
from leadscout.db.store import Store
from leadscout.errors import Conflict, InvalidCriteria
from leadscout.models import Run, Stage, Status
from leadscout.pipeline import jobs, state
from leadscout.pipeline.runs import get_run_or_raise
from leadscout.usage import Budget, Usage

Action = Literal[
    "expand_location",
    "loosen_pms",
    "lower_units",
    "accept_partial",
    "accept_without_contacts",
    "continue",
    "raise_budget",
]
REOPENS = {"expand_location": "location", "loosen_pms": "pms", "lower_units": "units_min"}


def _needs(action: str, *any_of: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema: when ``action`` is chosen, one of these shapes must hold."""
    return {
        "if": {"properties": {"action": {"const": action}}, "required": ["action"]},
        "then": {"anyOf": list(any_of)},
    }


class Decision(BaseModel):
    """An answer to a run that asks (the code also checks what a schema cannot: a lower minimum
    that is not lower, an action the run did not offer)."""

    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                _needs(
                    "expand_location",
                    {"required": ["cities"], "properties": {"cities": {"minItems": 1}}},
                    {"required": ["radius_miles"], "properties": {"radius_miles": {"type": "integer"}}},
                ),
                _needs("lower_units", {"required": ["units_min"], "properties": {"units_min": {"type": "integer"}}}),
                _needs(
                    "raise_budget",
                    {"required": ["max_usd"], "properties": {"max_usd": {"type": "number"}}},
                    {"required": ["max_llm_requests"], "properties": {"max_llm_requests": {"type": "integer"}}},
                ),
            ]
        }
    )

    @model_validator(mode="before")
    @classmethod
    def _json_kinds(cls, values: Any) -> Any:
        return json_kinds(cls, values)

    action: Action
    cities: list[str] = Field(default_factory=list)  # expand_location: cities to add
    radius_miles: int | None = Field(default=None, ge=1, le=500)  # expand_location: a wider metro
    pms: list[VendorName] = Field(default_factory=list)  # loosen_pms: vendors to allow; empty = any
    units_min: int | None = Field(default=None, ge=0)  # lower_units
    max_usd: float | None = Field(default=None, ge=0)  # raise_budget
    max_llm_requests: int | None = Field(default=None, ge=0)  # raise_budget


def revise(criteria: Criteria, decision: Decision) -> Criteria:
    """The criteria after ``decision`` (validated like any request)."""
    changes: dict[str, Any] = {}
    if decision.action == "expand_location":
        if not decision.cities and decision.radius_miles is None:
            raise InvalidCriteria("expand-location needs --cities A,B or --radius MILES")
        if decision.cities:
            changes["cities"] = list(dict.fromkeys([*criteria.cities, *decision.cities]))
        if decision.radius_miles is not None:
            changes |= {"geo_scope": "metro", "metro_radius_miles": decision.radius_miles}
    elif decision.action == "loosen_pms":
        changes["pms"] = decision.pms
    elif decision.action == "lower_units":
        if decision.units_min is None:
            raise InvalidCriteria("lower-units needs the new minimum, e.g. `lower-units 50`")
        if criteria.units_min is not None and decision.units_min >= criteria.units_min:
            raise InvalidCriteria(f"lower-units {decision.units_min} is not below the current {criteria.units_min}")
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
        elif decision.action in ("accept_partial", "accept_without_contacts"):
            if decision.action == "accept_without_contacts":
                _offered(locked, decision)
                restored = await store.restore_replaced_companies(locked.id, conn)
                payload["restored"] = [row["domain"] for row in restored]
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
    _offered(run, decision)
    if decision.action == "continue":
        return options | {"preview": False}
    caps = {k: v for k, v in (("max_usd", decision.max_usd), ("max_llm_requests", decision.max_llm_requests)) if v}
    if not caps:
        raise InvalidCriteria("raise-budget needs --usd DOLLARS and/or --llm-requests N")
    return options | {"budget": {**options.get("budget", {}), **caps}}


def _offered(run: Run, decision: Decision) -> None:
    asked = {o.get("action") for o in run.decision_options or []}
    if decision.action not in asked:
        offered = ", ".join(sorted(str(a).replace("_", "-") for a in asked)) or "nothing"
        raise Conflict(f"run {run.id} was not offered {decision.action.replace('_', '-')} (it offers: {offered})")


# -- the options a run offers when it asks ----------------------------------------------------------
PREVIEW_CANDIDATES = 10  # a --preview run verifies this many candidates, then asks


def discovery_options(
    criteria: Criteria, ready: int, target: int, near: NearMisses | None = None
) -> list[dict[str, object]]:
    """The user's choices when the search space is used up, each with a concrete suggestion
    drawn from the candidates that failed only that one criterion."""
    near = near or NearMisses()
    options: list[dict[str, object]] = []
    if criteria.cities:
        options.append(_expand_option(criteria, near))
    elif criteria.state:
        options.append({"action": "expand_location", "label": f"Search beyond {criteria.state}", "suggestion": {}})
    if criteria.pms:
        vendors_seen = [v for v, _ in near.pms.most_common(3)]
        label = f"Accept any PMS, not only {', '.join(criteria.pms)}"
        if vendors_seen:
            label += f" ({sum(near.pms.values())} otherwise matching companies use {', '.join(vendors_seen)})"
        options.append({"action": "loosen_pms", "label": label, "suggestion": {"pms": vendors_seen}})
    if criteria.units_min:
        lower = max(near.units) if near.units else criteria.units_min // 2
        label = f"Lower the {criteria.units_min}-unit minimum to {lower}"
        if near.units:
            label += f" ({len(near.units)} otherwise matching companies state fewer units)"
        options.append({"action": "lower_units", "label": label, "suggestion": {"units_min": lower}})
    options.append(
        {"action": "accept_partial", "label": f"Accept the {ready} of {target} companies found", "suggestion": {}}
    )
    return options


NEARBY_MILES = 100  # a city further than this from every requested city is another market, not "nearby"


def _expand_option(criteria: Criteria, near: NearMisses) -> dict[str, object]:
    """Expand to the nearest cities where candidates failed only on location, nearest first, each
    with how many it would add; never a metro across the country."""
    centers = [c for c in (geo.city_center(city, criteria.state or "") for city in criteria.cities) if c]
    nearby: list[tuple[float, str, int]] = []
    for (city, st), count in near.cities.items():
        here = geo.city_center(city, st) if st == criteria.state else None
        if here is None or not centers:
            continue
        miles = min(geo.miles(here, c) for c in centers)
        if miles <= NEARBY_MILES:
            nearby.append((miles, city, count))
    nearby.sort()
    label = f"Expand the location beyond {', '.join(criteria.cities)}"
    if nearby:
        listed = ", ".join(f"{city} ({count}, {miles:.0f} mi)" for miles, city, count in nearby[:5])
        label += f": add {listed}"
        return {"action": "expand_location", "label": label, "suggestion": {"cities": [c for _, c, _ in nearby[:5]]}}
    radius = min(150, max(criteria.metro_radius_miles * 2, 40))
    label += f": no matching company seen nearby; widen the metro to {radius} miles"
    return {"action": "expand_location", "label": label, "suggestion": {"radius_miles": radius}}


@dataclass
class NearMisses:
    """Rejected candidates that failed exactly one criterion, by what would admit them."""

    cities: Counter[tuple[str, str]] = field(default_factory=Counter)  # (city, state) of the HQ
    pms: Counter[str] = field(default_factory=Counter)
    units: list[int] = field(default_factory=list)


def near_miss_summary(rows: list[dict[str, Any]]) -> NearMisses:
    near = NearMisses()
    for row in rows:
        failed = [v for v in row["verdicts"] or [] if v.get("verdict") != "true"]
        if row["status"] != "rejected" or len(failed) != 1 or failed[0].get("verdict") != "false":
            continue
        detail = str(failed[0].get("detail", ""))
        if failed[0]["criterion"] == "location" and detail.startswith("HQ "):
            city, _, rest = detail[3:].partition(",")
            near.cities[(city.strip(), rest.strip()[:2])] += 1
        elif failed[0]["criterion"] == "pms" and detail.startswith("uses "):
            near.pms[detail[5:].split(",")[0]] += 1
        elif failed[0]["criterion"] == "units_min" and detail.split()[0].isdigit():
            near.units.append(int(detail.split()[0]))
    return near


def nearly_matching(rows: list[dict[str, Any]], limit: int = 15) -> list[dict[str, Any]]:
    """The rejected candidates that came closest (fewest failed criteria), each with why: the
    criteria it failed or could not prove, with what was found, and how many pages were read."""
    scored = []
    for row in rows:
        if row["status"] != "rejected" or not row["verdicts"]:
            continue
        failed = [v for v in row["verdicts"] if v.get("verdict") != "true"]
        if not failed or any(v["criterion"] in ("company_type", "reachable") for v in failed):
            continue
        why = "; ".join(f"{v['criterion']} {v.get('verdict')}: {v.get('detail', '')}" for v in failed)
        scored.append((len(failed), row["domain"], {"domain": row["domain"], "why": why, "pages_read": row["fetches"]}))
    return [entry for _, _, entry in sorted(scored)[:limit]]


def contact_options(ready: int, replaced: int) -> list[dict[str, object]]:
    """The choices when companies were replaced for want of a contact and nothing could take their
    place: deliver what has contacts, or take the replaced companies back without one."""
    return [
        {"action": "accept_partial", "label": f"Accept the {ready} companies with contacts", "suggestion": {}},
        {
            "action": "accept_without_contacts",
            "label": f"Also deliver the {replaced} matching {'company' if replaced == 1 else 'companies'} "
            "where no decision maker was found",
            "suggestion": {},
        },
    ]


def preview_options(projection: dict[str, Any], ready: int, target: int) -> list[dict[str, object]]:
    per = projection.get("per_accepted_company")
    if per is None:
        label = f"Continue anyway: no company was accepted among the first {PREVIEW_CANDIDATES} verified"
    else:
        label = (
            f"Continue: about ${projection['projected_remaining_usd']:.2f} more for the other {target - ready} "
            f"({per['llm_requests']} LLM requests, {per['searches']} searches, {per['fetches']} fetches per company)"
        )
    return [
        {"action": "continue", "label": label, "suggestion": {}},
        {"action": "accept_partial", "label": f"Keep the {ready} found so far and stop", "suggestion": {}},
    ]


def budget_options(
    budget: Budget, spent: Usage, projection: dict[str, Any], ready: int, target: int
) -> list[dict[str, object]]:
    remaining = float(projection.get("projected_remaining_usd") or 0.0)
    new_usd = round(max(2 * (budget.max_usd or 0.0), spent.cost_usd + 1.2 * remaining, spent.cost_usd + 1.0), 2)
    new_requests = max(2 * (budget.max_llm_requests or 0), spent.llm_requests + 50)
    return [
        {
            "action": "raise_budget",
            "label": f"Raise the run's budget to ${new_usd:.2f} and {new_requests} LLM requests "
            f"(spent ${spent.cost_usd:.2f} and {spent.llm_requests} requests so far)",
            "suggestion": {"max_usd": new_usd, "max_llm_requests": new_requests},
        },
        {"action": "accept_partial", "label": f"Accept the {ready} of {target} companies found", "suggestion": {}},
    ]
