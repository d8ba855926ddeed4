"""How the MCP tools take the one request model: its fields as a tool's arguments."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Annotated, Any

from pydantic import Field
from pydantic.fields import FieldInfo

from leadscout.pipeline.launch import Launch, with_request

ToolFn = Callable[..., Awaitable[Any]]


def request_arguments(*, exclude: Collection[str] = ()) -> Callable[[ToolFn], ToolFn]:
    """A tool taking the request model's fields as its arguments, described as the model describes
    them; the tool gets the validated Launch as ``request_model``."""

    def spell(name: str, info: FieldInfo, loose: Any) -> Any:
        return Annotated[loose, Field(description=info.description)]

    return with_request(Launch, spell, exclude=exclude)
