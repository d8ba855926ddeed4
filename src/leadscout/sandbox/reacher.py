"""A Reacher double: ``POST /v1/check_email`` answered from the sandbox world's mail servers, in
Reacher's own request and response JSON (the real Reacher never runs here). Strict servers make
``safe`` or ``invalid``, catch-all servers ``risky`` with ``is_catch_all``, tempfail servers
``unknown``, a domain without MX ``invalid`` with ``mx.accepts_mail`` false. A token, when one
is set, must come in ``Authorization`` or ``x-reacher-secret``. Every request body is kept."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from leadscout.research.judge.emails import is_role
from leadscout.sandbox.world import World


class ReacherDouble:
    def __init__(self, world: World, token: str | None = None) -> None:
        self.world, self.token = world, token
        self.requests: list[dict[str, Any]] = []
        self.app = Starlette(routes=[Route("/v1/check_email", self._check, methods=["POST"])])

    async def _check(self, request: Request) -> JSONResponse:
        if self.token and self.token not in (
            request.headers.get("authorization"),
            request.headers.get("x-reacher-secret"),
        ):
            return JSONResponse({"error": "Unauthorized"}, status_code=401)
        body = await request.json()
        self.requests.append(body)
        if not isinstance(body, dict) or not isinstance(body.get("to_email"), str):
            return JSONResponse({"error": "to_email is required"}, status_code=400)
        return JSONResponse(self.answer(body["to_email"]))

    def answer(self, address: str) -> dict[str, Any]:
        address = address.strip().lower()
        username, _, domain = address.partition("@")
        company = self.world.by_domain.get(domain)
        server = company.mail_server if company else "no_mx"
        exists = company is not None and (server == "catch_all" or address in company.mailboxes)
        reachable = {"no_mx": "invalid", "tempfail": "unknown", "catch_all": "risky"}.get(
            server, "safe" if exists else "invalid"
        )
        smtp: dict[str, Any] = {
            "can_connect_smtp": server != "no_mx", "has_full_inbox": False, "is_catch_all": server == "catch_all",
            "is_deliverable": exists and server != "tempfail", "is_disabled": False,
        }  # fmt: skip
        if server == "tempfail":
            smtp = {"type": "SmtpError", "message": "451 4.7.1 Greylisted, please try again later"}
        if reachable == "safe" and is_role(address):
            reachable = "risky"
        return {
            "input": address,
            "is_reachable": reachable,
            "misc": {"is_disposable": False, "is_role_account": is_role(address), "gravatar_url": None},
            "mx": {"accepts_mail": server != "no_mx", "records": [] if server == "no_mx" else [f"mx.{domain}."]},
            "smtp": smtp,
            "syntax": {"address": address, "domain": domain, "is_valid_syntax": True, "username": username},
        }
