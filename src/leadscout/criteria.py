"""Run criteria: the typed model every layer uses, and its validation."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from leadscout import vendors
from leadscout.domains import InvalidDomain, registrable_domain
from leadscout.errors import InvalidCriteria
from leadscout.geo import STATES, state_code

MAX_QUANTITY = 1000


def json_kinds(cls: type[BaseModel], values: Any) -> Any:
    """A model's ``mode="before"`` check that JSON's ``true`` is not the number 1 and ``0`` is not
    ``false`` (pydantic's lax mode would take them so)."""
    if not isinstance(values, dict):
        return values
    wrong = []
    for name, info in cls.model_fields.items():
        kinds = {info.annotation, *get_args(info.annotation)}
        value = values.get(name)
        if value is None:
            continue
        if {int, float} & kinds and isinstance(value, bool):
            wrong.append(f"{name}: a number is needed, not true or false")
        elif bool in kinds and not isinstance(value, bool):
            wrong.append(f"{name}: true or false is needed")
    if wrong:
        raise ValueError("; ".join(wrong))
    return values


# how a request names a state or a vendor; the schema lists the names (any case is accepted)
StateName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=30),
    WithJsonSchema({"type": "string", "enum": sorted({*STATES, *STATES.values()})}),
]
VendorName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
    WithJsonSchema(
        {"type": "string", "enum": sorted({*(v.slug for v in vendors.vendors()), *vendors.known_names(), vendors.NONE})}
    ),
]


class Criteria(BaseModel):
    """What a run must find. Hard criteria: state, cities, PMS, unit bounds."""

    model_config = ConfigDict(extra="forbid")

    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    state: str | None = None
    cities: list[str] = Field(default_factory=list)
    pms: list[str] = Field(default_factory=list, description="any of these vendors; 'none' = no PMS")
    units_min: int | None = Field(default=None, ge=0)
    units_max: int | None = Field(default=None, ge=0)
    contacts_min: int = Field(default=1, ge=0, le=10)
    contacts_max: int = Field(default=3, ge=1, le=10)
    exclude_domains: list[str] = Field(default_factory=list)
    natural_request: str | None = Field(default=None, max_length=2000)
    geo_scope: Literal["city", "metro"] = Field(
        default="metro", description="city: the named cities only; metro: also cities within metro_radius_miles"
    )
    metro_radius_miles: int = Field(default=30, ge=1, le=150)
    company_type: Literal["property_manager"] = "property_manager"
    unknown_is_match: bool = Field(default=False, description="count an unknown verdict as a match (off: proof needed)")

    @field_validator("state")
    @classmethod
    def _state(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        code = state_code(value)
        if code is None:
            raise ValueError(f"unknown US state {value!r}: use a USPS code such as TX or a name such as Texas")
        return code

    @field_validator("cities")
    @classmethod
    def _cities(cls, value: list[str]) -> list[str]:
        cleaned = [" ".join(c.split()).title() for c in value if c and c.strip()]
        return list(dict.fromkeys(cleaned))

    @field_validator("pms")
    @classmethod
    def _pms(cls, value: list[str]) -> list[str]:
        slugs = []
        for name in value:
            slug = vendors.resolve(name)
            if slug is None:
                known = ", ".join([*vendors.known_names(), "none"])
                raise ValueError(f"unknown PMS {name!r}; known names: {known}")
            slugs.append(slug)
        return list(dict.fromkeys(slugs))

    @field_validator("exclude_domains")
    @classmethod
    def _exclusions(cls, value: list[str]) -> list[str]:
        try:
            return sorted({registrable_domain(v) for v in value})
        except InvalidDomain as exc:
            raise ValueError(str(exc)) from None

    @model_validator(mode="after")
    def _ranges(self) -> Criteria:
        if self.units_min is not None and self.units_max is not None and self.units_min > self.units_max:
            raise ValueError(f"units_min ({self.units_min}) is above units_max ({self.units_max})")
        if self.contacts_min > self.contacts_max:
            raise ValueError(f"contacts_min ({self.contacts_min}) is above contacts_max ({self.contacts_max})")
        if self.cities and self.state is None:
            raise ValueError("cities need a state (for example --state TX)")
        return self

    def allowed_cities(self) -> list[str]:
        """Every city a company's HQ may be in (the explicit geography policy)."""
        from leadscout.geo import metro_cities

        if not self.cities or self.state is None:
            return []
        if self.geo_scope == "city":
            return list(self.cities)
        out: list[str] = []
        for city in self.cities:
            out.extend(c for c in metro_cities(city, self.state, self.metro_radius_miles) if c not in out)
        return out

    def revised(self, **changes: Any) -> Criteria:
        """These criteria with ``changes``, validated like any request (InvalidCriteria lists every problem)."""
        return parse_criteria({**self.model_dump(), **changes})

    def describe(self) -> str:
        if self.cities:
            where = f"{', '.join(self.cities)}, {self.state}"
            if self.geo_scope == "metro":
                where += f" metro (HQ within {self.metro_radius_miles} mi)"
        else:
            where = self.state or "anywhere in the US"
        parts = [f"{self.quantity} companies in {where}"]
        if self.pms:
            parts.append("using " + " or ".join(self.pms))
        if self.units_min is not None:
            parts.append(f"{self.units_min}+ units")
        if self.units_max is not None:
            parts.append(f"at most {self.units_max} units")
        parts.append(f"{self.contacts_min}-{self.contacts_max} contacts each")
        return ", ".join(parts)


def parse_criteria(data: dict[str, Any]) -> Criteria:
    """Validate criteria from any source; raise InvalidCriteria with every problem listed."""
    try:
        return Criteria.model_validate(data)
    except ValidationError as exc:
        raise InvalidCriteria("invalid criteria: " + problems(exc)) from None


def problems(exc: ValidationError) -> str:
    """Every problem of a validation error, as ``field: message; field: message``."""
    out = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "criteria"
        out.append(f"{field}: {str(err['msg']).removeprefix('Value error, ')}")
    return "; ".join(out)
