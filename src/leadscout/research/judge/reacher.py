"""Email verification by a Reacher server (check-if-email-exists), over its HTTP API.

``POST {REACHER_URL}/v1/check_email`` (``/v0`` is deprecated) with ``to_email`` and, when set,
``from_email``, ``hello_name`` and a SOCKS5 ``proxy``. Reacher's ``is_reachable`` maps onto
leadscout's verdicts, its reasons kept:

* ``safe`` -> ``valid``;
* ``risky`` -> ``risky(catch_all | full_inbox | role | disposable)``;
* ``invalid`` -> ``invalid(disabled | mailbox_unknown | no_mx | no_connect)``;
* ``unknown`` -> ``unknown(smtp_error)``; a Reacher that cannot be reached -> ``unknown(reacher_unreachable)``.

The token, when one is set (``REACHER_TOKEN``), goes as ``Authorization`` (Reacher's hosted API)
and ``x-reacher-secret`` (a self-hosted backend's header secret).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from leadscout import usage
from leadscout.models import EmailCheck
from leadscout.models import EmailStatus as Status


class _Smtp(BaseModel):
    can_connect_smtp: bool | None = None
    has_full_inbox: bool | None = None
    is_catch_all: bool | None = None
    is_deliverable: bool | None = None
    is_disabled: bool | None = None


class _Mx(BaseModel):
    accepts_mail: bool | None = None
    records: list[str] = []


class _Misc(BaseModel):
    is_disposable: bool | None = None
    is_role_account: bool | None = None


class ReacherAnswer(BaseModel):
    """Reacher's response; a part that failed is an error object ``{type, message}``, read as unknown."""

    input: str = ""
    is_reachable: str
    smtp: _Smtp | None = None
    mx: _Mx | None = None
    misc: _Misc | None = None

    @classmethod
    def parse(cls, data: dict[str, Any]) -> ReacherAnswer:
        parts = {key: value for key, value in data.items() if not (isinstance(value, dict) and "type" in value
                                                                  and "message" in value)}  # fmt: skip
        return cls.model_validate(parts)


class ReacherVerifier:
    notice: str | None = None

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        helo: str | None = None,
        mail_from: str | None = None,
        proxy: str | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.url = base_url.rstrip("/") + "/v1/check_email"
        self.token, self.helo, self.mail_from, self.proxy, self.timeout = token, helo, mail_from, proxy, timeout
        self._done: dict[str, EmailCheck] = {}

    async def check(self, address: str) -> EmailCheck:
        address = address.strip().lower()
        if address not in self._done:
            usage.record_email_check()
            self._done[address] = await self._ask(address)
        return self._done[address]

    async def _ask(self, address: str) -> EmailCheck:
        headers = {"Authorization": self.token, "x-reacher-secret": self.token} if self.token else {}
        try:
            async with httpx.AsyncClient(timeout=self.timeout, trust_env=False) as client:
                response = await client.post(self.url, json=self._body(address), headers=headers)
        except httpx.HTTPError as exc:
            return _check(address, "unknown", "reacher_unreachable", reply=f"{type(exc).__name__}: {exc}"[:200])
        if response.status_code in (401, 403):
            return _check(address, "unknown", "reacher_refused", response.status_code, "check REACHER_TOKEN")
        if response.status_code != 200:
            return _check(address, "unknown", "reacher_error", response.status_code, response.text[:200])
        try:
            answer = ReacherAnswer.parse(response.json())
        except (ValueError, ValidationError) as exc:
            return _check(address, "unknown", "reacher_error", 200, f"an answer Reacher does not give: {exc}"[:200])
        return _mapped(address, answer)

    def _body(self, address: str) -> dict[str, Any]:
        body: dict[str, Any] = {"to_email": address}
        if self.mail_from:
            body["from_email"] = self.mail_from
        if self.helo:
            body["hello_name"] = self.helo
        if self.proxy:
            parts = urlsplit(self.proxy)
            body["proxy"] = {"host": parts.hostname, "port": parts.port or 1080}
            if parts.username:
                body["proxy"] |= {"username": parts.username, "password": parts.password or ""}
        return body


def _mapped(address: str, answer: ReacherAnswer) -> EmailCheck:
    smtp, misc, mx = answer.smtp or _Smtp(), answer.misc or _Misc(), answer.mx or _Mx()
    host = mx.records[0] if mx.records else None
    if answer.is_reachable == "safe":
        return _check(address, "valid", None, mx=host)
    if answer.is_reachable == "risky":
        reason = ("catch_all" if smtp.is_catch_all else "full_inbox" if smtp.has_full_inbox
                  else "disposable" if misc.is_disposable else "role" if misc.is_role_account else "risky")  # fmt: skip
        return _check(address, "risky", reason, mx=host)
    if answer.is_reachable == "invalid":
        reason = ("no_mx" if mx.accepts_mail is False else "disabled" if smtp.is_disabled
                  else "no_connect" if smtp.can_connect_smtp is False else "mailbox_unknown")  # fmt: skip
        return _check(address, "invalid", reason, mx=host)
    return _check(address, "unknown", "smtp_error", mx=host)


def _check(
    address: str, status: Status, reason: str | None, code: int | None = None, reply: str | None = None,
    mx: str | None = None,
) -> EmailCheck:  # fmt: skip
    return EmailCheck(
        address=address, status=status, reason=reason, code=code, reply=reply, mx=mx, checked_at=datetime.now(UTC)
    )
