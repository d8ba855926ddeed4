"""The optional language model: any OpenAI-compatible provider, through pydantic-ai.

    LEADSCOUT_LLM=openai:gpt-5-mini  OPENAI_API_KEY=...                  # OpenAI
    LEADSCOUT_LLM=qwen2.5:7b  LEADSCOUT_LLM_BASE_URL=http://127.0.0.1:11434/v1  # Ollama, vLLM, llama.cpp...

Every call is metered into the current unit of work (:mod:`leadscout.usage`) and capped by
pydantic-ai's UsageLimits, set from what the run and company may still spend. With no LLM
configured, :func:`build_llm` returns None and leadscout runs deterministically."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic_ai import Agent, NativeOutput
from pydantic_ai.exceptions import AgentRunError, ModelHTTPError, UnexpectedModelBehavior, UsageLimitExceeded
from pydantic_ai.models import Model
from pydantic_ai.settings import ModelSettings
from pydantic_ai.usage import RunUsage, UsageLimits

from leadscout import usage
from leadscout.config import Settings
from leadscout.errors import BudgetExceeded, ConfigError, LlmError
from leadscout.usage import Meter

T = TypeVar("T", bound=BaseModel)


@dataclass
class Llm:
    model: Model
    name: str  # the model's name, for the price table
    settings: ModelSettings
    max_steps: int = 40  # model requests one agent turn may make

    def limits(self, meter: Meter | None, max_requests: int) -> UsageLimits:
        """UsageLimits for one call: ``max_requests``, or less when the run or company budget has less left."""
        requests, tokens = max_requests, None
        if meter is not None:
            meter.check()
            left = meter.llm_requests_left()
            requests = min(requests, left) if left is not None else requests
            tokens = meter.tokens_left()
        if requests <= 0 or tokens == 0:
            raise BudgetExceeded("LLM requests" if requests <= 0 else "run tokens", 0, 0)
        return UsageLimits(request_limit=requests, total_tokens_limit=tokens)

    def record(self, meter: Meter | None, spent: RunUsage) -> None:
        if meter is not None and (spent.requests or spent.input_tokens or spent.output_tokens):
            meter.llm(
                self.name,
                requests=spent.requests,
                input_tokens=spent.input_tokens,
                output_tokens=spent.output_tokens,
                tool_calls=spent.tool_calls,
            )

    async def structured(self, output_type: type[T], instructions: str, prompt: str, *, max_requests: int = 2) -> T:
        """One structured answer (the provider's JSON-schema output mode), metered and capped.
        A failed call or an unusable answer raises LlmError; a cap raises BudgetExceeded."""
        meter = usage.current()
        limits = self.limits(meter, max_requests)
        agent: Agent[None, T] = Agent(
            self.model, output_type=NativeOutput(output_type), instructions=instructions, retries=1
        )
        spent = RunUsage()
        try:
            result = await agent.run(prompt, usage_limits=limits, usage=spent, model_settings=self.settings)
        except UsageLimitExceeded as exc:
            raise BudgetExceeded("LLM call", spent.requests, limits.request_limit or 0) from exc
        except (ModelHTTPError, UnexpectedModelBehavior, AgentRunError) as exc:
            raise LlmError(f"the language model failed on {output_type.__name__}: {describe(exc)}") from exc
        except OSError as exc:
            raise LlmError(f"the language model is unreachable: {exc}") from exc
        finally:
            self.record(meter, spent)
        return result.output


def describe(exc: BaseException) -> str:
    """A short, secret-free description of a model failure."""
    if isinstance(exc, ModelHTTPError):
        return f"HTTP {exc.status_code} from {exc.model_name}"
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def build_llm(settings: Settings) -> Llm | None:
    """The configured model, or None when no LLM is configured."""
    if not settings.llm and not settings.llm_base_url:
        return None
    name = settings.llm or "default"
    model_settings: ModelSettings = {
        "temperature": 0.0,
        "timeout": settings.llm_timeout,
        "max_tokens": settings.llm_max_output_tokens,
    }
    return Llm(_model(settings, name), name.rpartition(":")[2], model_settings, settings.agent_max_steps)


def _model(settings: Settings, name: str) -> Model:
    from pydantic_ai.models.openai import OpenAIChatModel

    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    if settings.llm_base_url:
        from pydantic_ai.providers.openai_compatible import OpenAICompatibleProvider

        compatible = OpenAICompatibleProvider("leadscout-llm", base_url=settings.llm_base_url, api_key=key or "none")
        return OpenAIChatModel(name.removeprefix("openai:"), provider=compatible)
    vendor, _, model_name = name.partition(":")
    if vendor == "openai":
        from pydantic_ai.providers.openai import OpenAIProvider

        if not key:
            raise ConfigError(f"LEADSCOUT_LLM={name} needs OPENAI_API_KEY (or LEADSCOUT_LLM_API_KEY)")
        return OpenAIChatModel(model_name, provider=OpenAIProvider(api_key=key))
    try:
        from pydantic_ai.models import infer_model

        inferred: Any = infer_model(name)
        return inferred  # type: ignore[no-any-return]
    except Exception as exc:  # pydantic-ai raises several kinds for an unknown or uninstalled provider
        raise ConfigError(
            f"LEADSCOUT_LLM={name!r} is not usable ({exc}); use openai:MODEL with OPENAI_API_KEY, "
            "or any OpenAI-compatible server with LEADSCOUT_LLM_BASE_URL"
        ) from None
