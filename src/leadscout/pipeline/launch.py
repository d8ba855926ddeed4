"""Starting a run, the same way from every door (CLI, MCP, REST API, dashboard): the request is
understood into typed criteria, the sources and strategy are chosen, caps and preview are set,
and the run is created. rv_agentic's UI stored only the request text, so its runs never used the
PMS filter; here every door hands the same typed :class:`Launch` to :func:`prepare`."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, get_args, get_origin

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints, ValidationError, model_validator
from pydantic.fields import FieldInfo

from leadscout.criteria import StateName, VendorName, json_kinds, problems
from leadscout.db.store import Store
from leadscout.errors import ConfigError, InvalidCriteria, NotConfiguredFor
from leadscout.models import Run
from leadscout.pipeline.request import Understood, understand
from leadscout.pipeline.runs import create_run
from leadscout.research.web.search import provider_from_env
from leadscout.webhooks.signing import SECRET_SHAPE
from leadscout.webhooks.targets import URL_SHAPE

if TYPE_CHECKING:
    from leadscout.agents.llm import Llm

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
SOURCES = {"all": ["directory", "web"], "directory": ["directory"], "web": ["web"]}


# What the schema can say beyond each field (JSON Schema; the code checks the same and more, such as
# a range whose minimum is above its maximum, with 422): how many companies is given as a number or
# in the sentence; cities need their state; a webhook secret needs its webhook.
_COUNT_IN_SENTENCE = r"(^|[^0-9A-Za-z_])[1-9][0-9]{0,2}([^0-9A-Za-z_+]|$)"
_REQUEST_RULES: dict[str, Any] = {
    "anyOf": [
        {"required": ["quantity"], "properties": {"quantity": {"type": "integer"}}},
        {"required": ["request"], "properties": {"request": {"type": "string", "pattern": _COUNT_IN_SENTENCE}}},
    ],
    "allOf": [
        {
            "if": {"required": ["cities"], "properties": {"cities": {"type": "array", "minItems": 1}}},
            "then": {"required": ["state"], "properties": {"state": {"type": "string"}}},
        },
        {
            "if": {"required": ["webhook_secret"], "properties": {"webhook_secret": {"type": "string"}}},
            "then": {"required": ["webhook_url"], "properties": {"webhook_url": {"type": "string"}}},
        },
    ],
}


class Launch(BaseModel):
    """What a user asks for when starting a run: a sentence, fields, or both (fields win)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_REQUEST_RULES)

    request: str | None = Field(
        default=None, max_length=2000, description="the request as a sentence, e.g. 25 AppFolio PMs in Austin, TX"
    )
    quantity: int | None = Field(
        default=None, ge=1, le=1000, description="companies wanted (without it, the number in the request)"
    )
    state: StateName | None = Field(default=None, description="US state: a USPS code (TX) or a name (Texas)")
    cities: list[Name] = Field(default_factory=list, max_length=20, description="cities, in the state")
    pms: list[VendorName] = Field(
        default_factory=list, max_length=12, description="PMS vendors (any of); 'none': no PMS"
    )
    units_min: int | None = Field(default=None, ge=0, le=1_000_000, description="at least this many units managed")
    units_max: int | None = Field(default=None, ge=0, le=1_000_000, description="at most this many units managed")
    contacts_min: int | None = Field(default=None, ge=0, le=10, description="decision makers per company, at least")
    contacts_max: int | None = Field(default=None, ge=1, le=10, description="decision makers per company, at most")
    geo_scope: Literal["city", "metro"] | None = Field(
        default=None, description="city: the named cities only; metro: also cities within radius_miles"
    )
    radius_miles: int | None = Field(default=None, ge=1, le=150, description="metro radius in miles (default 30)")
    source: Literal["auto", "directory", "web", "all"] = Field(
        default="auto", description="where companies come from (all: the research directory first, then the web)"
    )
    strategy: Literal["auto", "agent", "rules"] = Field(
        default="auto", description="web discovery by the LLM agent or by rules (auto: the agent when a model is set)"
    )
    preview: bool = Field(default=False, description="verify about 10 candidates, then ask with the projected cost")
    max_usd: float | None = Field(default=None, ge=0, le=100_000, description="the run's dollar cap")
    max_llm_requests: int | None = Field(default=None, ge=0, le=1_000_000, description="the run's LLM request cap")
    webhook_url: str | None = Field(
        default=None,
        max_length=2000,
        description="POST run.completed / run.needs_user_decision here, signed",
        json_schema_extra={"pattern": URL_SHAPE},
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="whsec_... signing secret (Standard Webhooks); omitted: one is made",
        json_schema_extra={"pattern": SECRET_SHAPE},
    )

    @model_validator(mode="before")
    @classmethod
    def _json_kinds(cls, values: Any) -> Any:
        return json_kinds(cls, values)

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, values: Any) -> Any:
        return storable_text(values)

    @classmethod
    def parse(cls, **values: Any) -> Launch:
        """A Launch from loose values (CLI flags, tool arguments), or InvalidCriteria listing every problem."""
        try:
            return cls.model_validate({k: v for k, v in values.items() if v is not None})
        except ValidationError as exc:
            raise InvalidCriteria("invalid criteria: " + problems(exc)) from None

    def fields(self) -> dict[str, Any]:
        return {
            "quantity": self.quantity,
            "state": self.state,
            "cities": self.cities,
            "pms": self.pms,
            "units_min": self.units_min,
            "units_max": self.units_max,
            "contacts_min": self.contacts_min,
            "contacts_max": self.contacts_max,
            "geo_scope": self.geo_scope,
            "metro_radius_miles": self.radius_miles,
        }


F = TypeVar("F", bound=Callable[..., Any])
Spell = Callable[[str, FieldInfo, Any], Any]  # (field, its FieldInfo, its loose type) -> the annotation at a door


def loose_type(info: FieldInfo) -> Any:
    """How a door takes a request field before validation: a list of strings, a flag, or one
    optional int, float or string (the model checks the rest, with the same messages everywhere)."""
    kinds = [info.annotation, *get_args(info.annotation)]
    kinds += [get_args(k)[0] for k in kinds if get_origin(k) is Annotated]
    origins = {get_origin(k) for k in kinds}
    if list in origins:
        return list[str] | None
    if bool in kinds:
        return bool
    for kind in (int, float):
        if kind in kinds:
            return kind | None
    return str | None


def with_request(
    model: type[BaseModel],
    spell: Spell,
    *,
    exclude: Collection[str] = (),
    parse: Callable[..., BaseModel] | None = None,
) -> Callable[[F], F]:
    """A door's function that takes ``model``'s fields as its own parameters (each spelt by
    ``spell``) and gets the validated model as its ``request_model`` argument: one model, however
    the door reads its input. ``parse`` builds the model (default ``model.parse``)."""
    fields = {name: info for name, info in model.model_fields.items() if name not in exclude}
    build = parse or model.parse  # type: ignore[attr-defined]

    def decorate(fn: F) -> F:
        own = [p for p in inspect.signature(fn, eval_str=True).parameters.values() if p.name != "request_model"]
        generated = [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=False if loose_type(info) is bool else None,
                annotation=spell(name, info, loose_type(info)),
            )
            for name, info in fields.items()
        ]
        kinds = [inspect.Parameter.KEYWORD_ONLY if p.kind == p.POSITIONAL_OR_KEYWORD else p.kind for p in own]
        params = generated + [p.replace(kind=k) for p, k in zip(own, kinds, strict=True)]

        def split(kwargs: dict[str, Any]) -> dict[str, Any]:
            given = {k: kwargs.pop(k) for k in list(kwargs) if k in fields}
            return {"request_model": build(**{k: v for k, v in given.items() if v not in (None, [], "")})}

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def door(**kwargs: Any) -> Any:
                return await fn(**split(kwargs), **kwargs)

        else:

            @functools.wraps(fn)
            def door(**kwargs: Any) -> Any:
                return fn(**split(kwargs), **kwargs)

        del door.__wrapped__  # the signature is the door's, not fn's
        door.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        door.__annotations__ = {p.name: p.annotation for p in params}
        return door  # type: ignore[return-value]

    return decorate


class WebhookTarget(BaseModel):
    url: str
    secret: SecretStr
    generated: bool  # leadscout made the secret: show it to the user once


class Prepared(BaseModel):
    understood: Understood
    options: dict[str, Any]
    notices: list[str] = Field(default_factory=list)
    webhook: WebhookTarget | None = None


async def prepare(
    store: Store,
    launch: Launch,
    *,
    llm: Llm | None,
    sandbox_seed: int | None = None,
    sandbox_style: str = "classic",
    sandbox_day: int = 0,
) -> Prepared:
    """The criteria as understood and the run's options; raises before anything is created when
    the request is invalid or the run could not be worked (no search provider, no LLM)."""
    if launch.strategy == "agent" and llm is None:
        raise NotConfiguredFor(
            "the agent strategy needs an LLM: set LEADSCOUT_LLM (and OPENAI_API_KEY) or LEADSCOUT_LLM_BASE_URL"
        )
    understood = await understand(launch.request, llm, **launch.fields())
    notices: list[str] = []
    sources = await _sources(store, launch.source, sandbox_seed is not None, notices)
    options: dict[str, Any] = {
        "sources": sources,
        "strategy": "agent" if launch.strategy == "agent" or (launch.strategy == "auto" and llm) else "rules",
    }
    if launch.preview:
        options["preview"] = True
    caps = {"max_usd": launch.max_usd, "max_llm_requests": launch.max_llm_requests}
    if any(v is not None for v in caps.values()):
        options["budget"] = {k: v for k, v in caps.items() if v is not None}
    if sandbox_seed is not None:
        day = {"day": sandbox_day} if sandbox_day else {}  # day 0: the options a run always had
        options["sandbox"] = {"seed": sandbox_seed, "style": sandbox_style} | day
    return Prepared(understood=understood, options=options, notices=notices, webhook=_webhook(launch))


def _webhook(launch: Launch) -> WebhookTarget | None:
    from leadscout.webhooks.signing import check_secret, new_secret
    from leadscout.webhooks.targets import check_url

    if launch.webhook_url is None:
        if launch.webhook_secret is not None:
            raise InvalidCriteria("a webhook secret was given without a webhook URL")
        return None
    given = launch.webhook_secret.get_secret_value() if launch.webhook_secret is not None else None
    secret = check_secret(given) if given is not None else new_secret()
    return WebhookTarget(url=check_url(launch.webhook_url), secret=SecretStr(secret), generated=given is None)


async def start(store: Store, prepared: Prepared, *, batch_size: int) -> Run:
    if prepared.webhook is not None:  # the secret stays in its own table; the run keeps the endpoint's id
        target = prepared.webhook
        endpoint = await store.insert_webhook_endpoint(target.url, target.secret.get_secret_value())
        prepared.options["webhook"] = {"endpoint_id": str(endpoint), "url": target.url}
    return await create_run(
        store,
        prepared.understood.criteria,
        batch_size=batch_size,
        options=prepared.options,
        spent=prepared.understood.usage,
    )


async def _sources(store: Store, source: str, sandbox: bool, notices: list[str]) -> list[str]:
    """auto: the directory, plus the web when there is a way to search it; without one, a
    non-empty directory only (with a notice), else stop here. web/all need a provider."""
    if source in SOURCES:
        if "web" in SOURCES[source] and not sandbox:
            _search_provider()  # a live web run without a provider stops before it starts
        return SOURCES[source]
    if sandbox:
        return ["directory", "web"]
    try:
        _search_provider()
        return ["directory", "web"]
    except ConfigError:
        if await store.count_directory() == 0:
            raise
        notices.append(
            "no web search provider configured: searching the research directory only "
            "(set LEADSCOUT_SEARXNG_URL, SERPER_API_KEY or BRAVE_API_KEY, or use the sandbox)"
        )
        return ["directory"]


def _search_provider() -> None:
    provider_from_env(httpx.AsyncClient())  # only checks the configuration: the client is never used


def storable_text(values: Any) -> Any:
    """``values`` when every string in them is text PostgreSQL can store: no NUL character and no
    lone UTF-16 surrogate (a JSON body may carry both; the database would refuse it with an internal
    error); else ValueError, which the model reports as the body's mistake."""
    for text in _strings(values):
        if "\x00" in text:
            raise ValueError("text may not contain a NUL character (\\u0000)")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("text may not contain a lone UTF-16 surrogate (\\ud800-\\udfff)") from None
    return values


def _strings(value: Any) -> list[str]:
    """Every string in a JSON-like value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []
