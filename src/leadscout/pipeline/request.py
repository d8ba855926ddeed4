"""A deterministic parser for requests such as
"25 AppFolio property managers in Austin, TX with 100+ units"."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pydantic import BaseModel, Field

from leadscout import vendors
from leadscout.criteria import Criteria, parse_criteria
from leadscout.errors import BudgetExceeded, InvalidCriteria, LlmError
from leadscout.geo import STATES, state_code
from leadscout.usage import Budget, Meter, Usage, metering

if TYPE_CHECKING:
    from leadscout.agents.llm import Llm

_UNITS = re.compile(
    r"(?:(?:at least|over|more than|min(?:imum)?(?: of)?)\s+)?(\d[\d,]*)\s*(\+|plus)?\s*(?:units|doors|homes)"
    r"|(?:units|doors)\s*(?:>=|≥|over|above)\s*(\d[\d,]*)",
    re.IGNORECASE,
)
_UNITS_MAX = re.compile(
    r"(?:under|below|fewer than|less than|at most|max(?:imum)?(?: of)?)\s+(\d[\d,]*)\s*(?:units|doors)", re.I
)
_STATE_NAMES = "|".join(sorted((re.escape(n) for n in STATES.values()), key=len, reverse=True))
_LOCATION = re.compile(
    rf"\bin\s+(?P<city>[A-Z][A-Za-z.'\- ]*?)\s*,?\s+(?P<state>[A-Z]{{2}}|{_STATE_NAMES})\b"
    rf"|\bin\s+(?P<only_state>{_STATE_NAMES}|[A-Z]{{2}})\b"
)
_QUANTITY = re.compile(r"\b(\d{1,4})\b(?!\s*(?:\+|plus)?\s*(?:units|doors|homes))", re.I)
_CONTACTS = re.compile(r"(\d)\s*(?:-|to)\s*(\d)\s*(?:decision makers|contacts)", re.I)


def parse_request(text: str) -> dict[str, Any]:
    """Criteria fields found in ``text``; whatever is not found is left out."""
    found: dict[str, Any] = {"natural_request": text.strip()}
    rest = text
    if m := _CONTACTS.search(rest):
        found["contacts_min"], found["contacts_max"] = int(m.group(1)), int(m.group(2))
        rest = rest.replace(m.group(0), " ")
    if m := _UNITS_MAX.search(rest):
        found["units_max"] = int(m.group(1).replace(",", ""))
        rest = rest.replace(m.group(0), " ")
    if m := _UNITS.search(rest):
        found["units_min"] = int((m.group(1) or m.group(3)).replace(",", ""))
        rest = rest.replace(m.group(0), " ")
    if m := _LOCATION.search(rest):
        if m.group("only_state"):
            code = state_code(m.group("only_state"))
            if code:
                found["state"] = code
        else:
            code = state_code(m.group("state"))
            if code:
                found["state"] = code
                found["cities"] = [m.group("city").strip()]
        rest = rest.replace(m.group(0), " ")
    pms = _vendors_in(rest)
    if pms:
        found["pms"] = pms
    if m := _QUANTITY.search(rest):
        found["quantity"] = int(m.group(1))
    return found


def _vendors_in(text: str) -> list[str]:
    lowered = f" {text.lower()} "
    slugs = []
    for vendor in vendors.vendors():
        for alias in {vendor.slug, vendor.name.lower(), *vendor.aliases}:
            if re.search(rf"(?<![a-z]){re.escape(alias)}(?![a-z])", lowered):
                slugs.append(vendor.slug)
                break
    return slugs


def build_criteria(request: str | None, **flags: Any) -> Criteria:
    """Criteria from a request sentence and explicit fields; the fields win."""
    return criteria_from(parse_request(request) if request else {}, flags)


def criteria_from(found: dict[str, Any], flags: dict[str, Any]) -> Criteria:
    """Validated criteria from the fields a parser found and the explicit ones (which win)."""
    data = dict(found)
    for key, value in flags.items():
        if value not in (None, [], ()):
            data[key] = value
    if "quantity" not in data:
        raise InvalidCriteria("how many companies? give -n/--quantity or a number in the request")
    return parse_criteria(data)


class Understood(BaseModel):
    """A request as leadscout understood it, to show the user before the run starts."""

    criteria: Criteria
    parser: str  # llm | rules
    notes: list[str] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)  # what the LLM parse cost (recorded on the run)


async def understand(request: str | None, llm: Llm | None = None, **flags: Any) -> Understood:
    """Criteria from a request sentence (by the LLM when one is configured, else by rules) and
    explicit fields, which win. A failed LLM parse falls back to the rules and says so."""
    if not request or llm is None:
        return Understood(criteria=build_criteria(request, **flags), parser="rules")
    from leadscout.agents.tasks import parse_request as llm_parse

    meter = Meter(UUID(int=0), "parse", budget=Budget())
    try:
        with metering(meter):
            data, notes = await llm_parse(llm, request)
        parser = "llm"
    except (LlmError, BudgetExceeded) as exc:
        data, parser = parse_request(request), "rules"
        notes = [f"the LLM could not parse the request ({exc}); used the rule parser"]
    return Understood(criteria=criteria_from(data, flags), parser=parser, notes=notes, usage=meter.usage)
