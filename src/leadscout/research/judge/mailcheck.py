"""Does a mailbox exist? MX via DNS (dnspython), then an SMTP conversation that stops after
``RCPT TO`` (nothing is ever sent), with catch-all detection: a random mailbox at the same
domain is asked for in the same session.

Verdicts: ``valid``, ``invalid(reason)``, ``risky(catch_all|role)``, ``unknown(reason)``;
each keeps the server's reply code, the MX host and a timestamp. Results are memoised per
address and catch-all answers per domain, so one company costs one or two SMTP sessions.

Where users run it, port 25 is often blocked (cloud hosts, home ISPs): the first MX asked is
probed once, with a short timeout, and when nothing answers every verdict is
``unknown(port_25_blocked)`` and :attr:`MailChecker.notice` says what to do (a SOCKS5 proxy,
``LEADSCOUT_SMTP_PROXY``, or the Reacher backend). The HELO name and MAIL FROM are the user's own
(``LEADSCOUT_SMTP_HELO``, ``LEADSCOUT_SMTP_MAIL_FROM``): servers greylist or refuse strangers. A 4xx on
RCPT (greylisting) is asked once more after ``greylist_delay``, then ``unknown(greylisted)``; a
host that accepts every address (Microsoft 365) gives ``risky(catch_all)``, never ``valid``."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import secrets
import smtplib
import socket
from datetime import UTC, datetime
from typing import Protocol

import dns.asyncresolver
import dns.exception
import dns.resolver
from pydantic import BaseModel

from leadscout import usage
from leadscout.models import EmailCheck
from leadscout.models import EmailStatus as Status
from leadscout.research.judge.emails import is_role


class EmailVerifier(Protocol):
    """What the contact stage asks of a verifier backend (SMTP here, Reacher over HTTP)."""

    notice: str | None  # said once to the user when every verdict will be unknown for one cause

    async def check(self, address: str) -> EmailCheck: ...


BLOCKED_NOTICE = (
    "port 25 is blocked here: emails stay unknown; set LEADSCOUT_EMAIL_VERIFIER=reacher with REACHER_URL, "
    "or LEADSCOUT_SMTP_PROXY=socks5://host:port, to verify them"
)
# MX hosts that accept every RCPT (and bounce later): a yes from them proves nothing
ACCEPT_ALL_MX = ("mail.protection.outlook.com", "mx.microsoft", "olc.protection.outlook.com")
_BLOCKED_ERRNOS = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EACCES, errno.EPERM}


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
        proxy: str | None = None,
        greylist_delay: float = 20.0,
        probe_timeout: float = 3.0,
    ) -> None:
        self.resolver = dns.asyncresolver.Resolver(configure=dns_server is None)
        if dns_server is not None:
            host, _, port = dns_server.partition(":")
            self.resolver.nameservers = [host]
            self.resolver.port = int(port or 53)
        self.resolver.lifetime = timeout
        self.smtp_port, self.helo, self.mail_from, self.timeout = smtp_port, helo, mail_from, timeout
        self.proxy, self.greylist_delay, self.probe_timeout = proxy, greylist_delay, probe_timeout
        self.port_blocked: bool | None = None  # None: not probed yet
        self.notice: str | None = None
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
        if self.port_blocked is None and self.proxy is None:
            self.port_blocked = await self._blocked(mx.address)
            self.notice = BLOCKED_NOTICE if self.port_blocked else None
        if self.port_blocked:
            return _verdict(address, "unknown", "port_25_blocked", mx=mx.host)
        try:
            code, reply, probe_code = await asyncio.to_thread(self._rcpt, mx.address, address, domain)
            if 400 <= code < 500:  # greylisting: a known sender is let in on a later try
                self.retries += 1
                await asyncio.sleep(self.greylist_delay)
                code, reply, probe_code = await asyncio.to_thread(self._rcpt, mx.address, address, domain)
        except (OSError, smtplib.SMTPException) as exc:
            return _verdict(address, "unknown", "unreachable", reply=str(exc)[:200], mx=mx.host)
        if 200 <= code < 300:
            if 200 <= probe_code < 300 or (mx.host or "").endswith(ACCEPT_ALL_MX):
                return _verdict(address, "risky", "catch_all", code, reply, mx.host)
            if is_role(address):
                return _verdict(address, "risky", "role", code, reply, mx.host)
            return _verdict(address, "valid", None, code, reply, mx.host)
        if 500 <= code < 600:
            return _verdict(address, "invalid", "mailbox_unknown", code, reply, mx.host)
        return _verdict(address, "unknown", "greylisted" if 400 <= code < 500 else "tempfail", code, reply, mx.host)

    async def _blocked(self, ip: str) -> bool:
        """One connection to the first MX, with a short timeout: silence (a dropped SYN), a network
        that refuses the route, or a refusal from a public address is a blocked port 25; a refusal
        from a private or loopback host (a local server that is down) is not."""
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(ip, self.smtp_port), self.probe_timeout)
        except TimeoutError:
            return True
        except OSError as exc:
            # a public MX that refuses port 25 is almost never the MX: the refusal is a firewall on the way
            refused_on_the_way = exc.errno == errno.ECONNREFUSED and not _local(ip)
            return exc.errno in _BLOCKED_ERRNOS or refused_on_the_way
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return False

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
        with _Smtp(self.proxy, timeout=self.timeout) as smtp:
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


_LOCAL_NETS = [ipaddress.ip_network(n) for n in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                                                   "::1/128", "fc00::/7")]  # fmt: skip


def _local(ip: str) -> bool:
    """A host of this machine or its own network: its refusal is its own, not a firewall's."""
    address = ipaddress.ip_address(ip)
    return any(address in net for net in _LOCAL_NETS if net.version == address.version)


class _Smtp(smtplib.SMTP):
    """smtplib's client, its connection made through a SOCKS5 proxy when one is set (python-socks):
    the way past a blocked port 25 that Reacher documents."""

    def __init__(self, proxy: str | None, timeout: float) -> None:
        self.proxy = proxy
        super().__init__(timeout=timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        if not self.proxy:
            return super()._get_socket(host, port, timeout)  # type: ignore[misc, no-any-return]
        from python_socks.sync import Proxy

        return Proxy.from_url(self.proxy).connect(dest_host=host, dest_port=port, timeout=timeout)


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
