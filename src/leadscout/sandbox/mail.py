"""DNS and SMTP of the sandbox world, on loopback, speaking the real wire protocols.

DNS (dnslib): every company domain has ``MX 10 mx.<domain>`` and ``mx.<domain> A 127.0.0.1``,
except ``no_mx`` domains; names outside the world are NXDOMAIN.

SMTP (aiosmtpd): one server answers for every MX. ``RCPT TO`` follows the domain's
``mail_server``: strict servers reject unknown mailboxes with 550, catch-all servers accept
everything, tempfail servers answer 451. Addresses outside the world are accepted, so the
same server is the relay that notification tests read (``messages``)."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from dnslib import QTYPE, RCODE, RR, A, DNSRecord
from dnslib.server import BaseResolver, DNSHandler, DNSLogger, DNSServer

from leadscout.sandbox.faults import Injector
from leadscout.sandbox.world import World


class WorldResolver(BaseResolver):  # type: ignore[misc]
    def __init__(self, world: World, injector: Injector | None = None, mx_address: str = "127.0.0.1") -> None:
        self.world, self.injector, self.mx_address = world, injector, mx_address

    def resolve(self, request: DNSRecord, handler: DNSHandler) -> DNSRecord:
        reply = request.reply()
        qname = str(request.q.qname).rstrip(".").lower()
        qtype = QTYPE[request.q.qtype]
        if self.injector is not None and self.injector.fault_for(f"dns:{qtype}:{qname}") == "dns":
            reply.header.rcode = RCODE.SERVFAIL  # a resolver having a bad moment: worth one more try
            return reply
        mail_host = qname.startswith("mx.") and qname[3:] in self.world.by_domain
        company = self.world.by_domain.get(qname.removeprefix("mx.").removeprefix("www."))
        if company is None:
            reply.header.rcode = RCODE.NXDOMAIN
        elif mail_host and company.mail_server != "no_mx" and qtype == "A":
            reply.add_answer(RR(qname, QTYPE.A, rdata=A(self.mx_address), ttl=60))
        elif qname == company.domain and company.mail_server != "no_mx" and qtype == "MX":
            reply.add_answer(*RR.fromZone(f"{qname}. 60 IN MX 10 mx.{qname}."))
        return reply


class WorldMailHandler:
    def __init__(self, world: World) -> None:
        self.world = world
        self.messages: list[Message] = []
        self.rcpt_log: list[tuple[str, str]] = []  # (address, reply) for tests

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        reply = self._verdict(address)
        self.rcpt_log.append((address, reply))
        if reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        return reply

    def _verdict(self, address: str) -> str:
        domain = address.rpartition("@")[2].lower()
        company = self.world.by_domain.get(domain)
        if company is None:
            return "250 OK"
        if company.mail_server == "tempfail":
            return "451 4.7.1 Greylisted, please try again later"
        if company.mail_server == "catch_all" or address.lower() in company.mailboxes:
            return "250 2.1.5 OK"
        return "550 5.1.1 User unknown"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        self.messages.append(message_from_bytes(content))
        return "250 Message accepted for delivery"


_QUIET = DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)


def _free_port() -> int:
    # aiosmtpd's Controller must know its port before it starts (it connects to itself to check)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class MailServers:
    """The world's DNS and SMTP servers on 127.0.0.1 (ports chosen by the OS)."""

    world: World
    injector: Injector | None = None
    mx_address: str = "127.0.0.1"  # where the MX hosts are: an unroutable one plays a blocked port 25
    handler: WorldMailHandler = field(init=False)
    dns: Any = field(init=False, default=None)
    smtp: Controller | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.handler = WorldMailHandler(self.world)

    def start(self) -> MailServers:
        self.dns = DNSServer(
            WorldResolver(self.world, self.injector, self.mx_address), address="127.0.0.1", port=0, logger=_QUIET
        )
        self.dns.start_thread()
        self.smtp = Controller(self.handler, hostname="127.0.0.1", port=_free_port(), ready_timeout=10)
        self.smtp.start()
        return self

    def stop(self) -> None:
        if self.smtp is not None:
            self.smtp.stop()
        if self.dns is not None:
            self.dns.stop()

    @property
    def dns_port(self) -> int:
        return int(self.dns.server.server_address[1])

    @property
    def smtp_port(self) -> int:
        assert self.smtp is not None
        return int(self.smtp.port)

    def env(self) -> dict[str, str]:
        return {
            "LEADSCOUT_DNS_SERVER": f"127.0.0.1:{self.dns_port}",
            "LEADSCOUT_SMTP_PROBE_PORT": str(self.smtp_port),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.smtp_port),
            "LEADSCOUT_GREYLIST_DELAY": "0.2",  # its tempfail servers never let a retry in: no use waiting long
        }
