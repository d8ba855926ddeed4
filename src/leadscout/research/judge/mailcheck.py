"""Does a mailbox exist? MX via DNS (dnspython), then an SMTP conversation that stops after
``RCPT TO`` (nothing is ever sent), with catch-all detection: a random mailbox at the same
domain is asked for in the same session.

Verdicts: ``valid``, ``invalid(reason)``, ``risky(catch_all|role)``, ``unknown(reason)``;
each keeps the server's reply code, the MX host and a timestamp. Results are memoised per
address and catch-all answers per domain, so one company costs one or two SMTP sessions."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import smtplib
from datetime import UTC, datetime

import dns.asyncresolver
import dns.exception
import dns.resolver
from pydantic import BaseModel

from leadscout import usage
from leadscout.models import EmailCheck
from leadscout.models import EmailStatus as Status
from leadscout.research.judge.emails import is_role


class _Mx(BaseModel):
    host: str | None = None
    address: str | None = None
    problem: tuple[Status, str] | None = None


class MailChecker:
    def __init__(
        self,
        dns_server: str | None = None,
        smtp_port: int = 25,
        *,
        helo: str = "verify.leadscout.local",
        mail_from: str = "verify@leadscout.invalid",
        timeout: float = 10.0,
    ) -> None:
        self.resolver = dns.asyncresolver.Resolver(configure=dns_server is None)
        if dns_server is not None:
            host, _, port = dns_server.partition(":")
            self.resolver.nameservers = [host]
            self.resolver.port = int(port or 53)
        self.resolver.lifetime = timeout
        self.smtp_port, self.helo, self.mail_from, self.timeout = smtp_port, helo, mail_from, timeout
        self._mx: dict[str, _Mx] = {}
        self._done: dict[str, EmailCheck] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.retries = 0

    async def check(self, address: str) -> EmailCheck:
        address = address.strip().lower()
        domain = address.rpartition("@")[2]
        async with self._locks.setdefault(domain, asyncio.Lock()):  # one session per domain at a time
            if address not in self._done:
                self._done[address] = await self._check(address, domain)
        return self._done[address]

    async def _check(self, address: str, domain: str) -> EmailCheck:
        usage.record_email_check()
        mx = await self._mx_of(domain)
        if mx.problem is not None:
            return _verdict(address, *mx.problem)
        assert mx.address is not None
        try:
            code, reply, probe_code = await asyncio.to_thread(self._rcpt, mx.address, address, domain)
        except (OSError, smtplib.SMTPException) as exc:
            return _verdict(address, "unknown", "unreachable", reply=str(exc)[:200], mx=mx.host)
        if 200 <= code < 300:
            if 200 <= probe_code < 300:
                return _verdict(address, "risky", "catch_all", code, reply, mx.host)
            if is_role(address):
                return _verdict(address, "risky", "role", code, reply, mx.host)
            return _verdict(address, "valid", None, code, reply, mx.host)
        if 500 <= code < 600:
            return _verdict(address, "invalid", "mailbox_unknown", code, reply, mx.host)
        return _verdict(address, "unknown", "tempfail", code, reply, mx.host)

    async def _mx_of(self, domain: str) -> _Mx:
        if domain not in self._mx:
            found = await self._lookup(domain)
            if found.problem is not None and found.problem[1].startswith("dns_error"):
                self.retries += 1  # a resolver's bad moment (SERVFAIL, a timeout) deserves one more try
                await asyncio.sleep(0.2)
                found = await self._lookup(domain)
            self._mx[domain] = found
        return self._mx[domain]

    async def _lookup(self, domain: str) -> _Mx:
        try:
            answer = await self.resolver.resolve(domain, "MX")
            records = sorted(answer, key=lambda r: r.preference)
            host = str(records[0].exchange).rstrip(".")
        except dns.resolver.NXDOMAIN:
            return _Mx(problem=("invalid", "nxdomain"))
        except dns.resolver.NoAnswer:
            host = domain  # RFC 5321 implicit MX: the domain's own address record
        except dns.exception.DNSException as exc:
            return _Mx(problem=("unknown", f"dns_error:{type(exc).__name__}"))
        try:
            addresses = await self.resolver.resolve(host, "A")
        except dns.resolver.NXDOMAIN:
            return _Mx(problem=("invalid", "no_mx"))
        except dns.resolver.NoAnswer:
            return _Mx(problem=("invalid", "no_mx"))
        except dns.exception.DNSException as exc:
            return _Mx(problem=("unknown", f"dns_error:{type(exc).__name__}"))
        return _Mx(host=host, address=str(next(iter(addresses))))

    def _rcpt(self, ip: str, address: str, domain: str) -> tuple[int, str, int]:
        """One SMTP session: the address, then a random one (catch-all probe). Never DATA."""
        with smtplib.SMTP(timeout=self.timeout) as smtp:
            smtp.connect(ip, self.smtp_port)
            smtp.ehlo(self.helo)
            smtp.mail(self.mail_from)
            code, reply = smtp.rcpt(address)
            probe_code = 550
            if 200 <= code < 300:
                probe_code, _ = smtp.rcpt(f"zz-{secrets.token_hex(6)}@{domain}")
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.rset()
        return code, reply.decode("utf-8", "replace")[:200], probe_code


def _verdict(
    address: str,
    status: Status,
    reason: str | None,
    code: int | None = None,
    reply: str | None = None,
    mx: str | None = None,
) -> EmailCheck:
    return EmailCheck(
        address=address, status=status, reason=reason, code=code, reply=reply, mx=mx, checked_at=datetime.now(UTC)
    )
