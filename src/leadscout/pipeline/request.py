"""A deterministic parser for requests such as
"25 AppFolio property managers in Austin, TX with 100+ units"."""

from __future__ import annotations

import re
from typing import Any

from leadscout.errors import UserError
from leadscout.pipeline.criteria import Criteria, parse_criteria
from leadscout.pipeline.geo import STATES, state_code
from leadscout.research import vendors

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
    data: dict[str, Any] = parse_request(request) if request else {}
    for key, value in flags.items():
        if value not in (None, [], ()):
            data[key] = value
    if "quantity" not in data:
        raise UserError("how many companies? give -n/--quantity or a number in the request")
    return parse_criteria(data)
