"""Email verification where users are: port 25 blocked (an unroutable MX plays the firewall's
dropped packets), and the Reacher backend against a double that speaks Reacher's own request and
response JSON. The real Reacher never runs here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from leadscout.research.judge.mailcheck import BLOCKED_NOTICE, MailChecker
from leadscout.research.judge.reacher import ReacherVerifier
from leadscout.sandbox.mail import MailServers
from leadscout.sandbox.reacher import ReacherDouble
from leadscout.sandbox.world import World, WorldCompany, build
from leadscout.serving import ThreadedServer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def world() -> World:
    return build(7)


def pick(world: World, **match: Any) -> WorldCompany:
    return next(
        c for c in world.companies
        if c.health == "ok" and c.kind == "property_manager" and all(getattr(c, k) == v for k, v in match.items())
    )  # fmt: skip


@pytest.fixture
def walled_mail(world: World) -> Iterator[MailServers]:
    servers = MailServers(world, mx_address="192.0.2.1").start()  # TEST-NET-1: nothing ever answers there
    yield servers
    servers.stop()


async def test_a_blocked_port_25_makes_every_verdict_unknown_and_says_so_once(
    world: World, walled_mail: MailServers
) -> None:
    checker = MailChecker(f"127.0.0.1:{walled_mail.dns_port}", 25, timeout=2, probe_timeout=1.0)
    strict = pick(world, mail_server="strict")
    first = await checker.check(strict.people[0].email)
    again = await checker.check(f"nobody@{strict.domain}")
    assert (first.label, again.label) == ("unknown(port_25_blocked)", "unknown(port_25_blocked)")  # never invalid
    assert checker.port_blocked is True and checker.notice == BLOCKED_NOTICE
    assert "LEADSCOUT_EMAIL_VERIFIER=reacher" in checker.notice


@pytest.fixture
def reacher(world: World) -> Iterator[tuple[str, ReacherDouble]]:
    double = ReacherDouble(world, token="rch-secret")
    with ThreadedServer(double.app) as server:
        yield server.url, double


async def test_reacher_verdicts_are_mapped_with_their_reasons(world: World, reacher: tuple[str, ReacherDouble]) -> None:
    url, double = reacher
    verifier = ReacherVerifier(
        url, "rch-secret", helo="mail.example-pm.com", mail_from="ops@example-pm.com",
        proxy="socks5://me:pass@proxy.example-pm.com:1080",
    )  # fmt: skip
    strict, catch_all = pick(world, mail_server="strict"), pick(world, mail_server="catch_all")
    tempfail, no_mx = pick(world, mail_server="tempfail"), pick(world, mail_server="no_mx")
    labels = {
        "real": (await verifier.check(strict.people[0].email)).label,
        "missing": (await verifier.check(f"no.such.person@{strict.domain}")).label,
        "role": (await verifier.check(f"office@{strict.domain}")).label,
        "catch_all": (await verifier.check(catch_all.people[0].email)).label,
        "tempfail": (await verifier.check(tempfail.people[0].email)).label,
        "no_mx": (await verifier.check(no_mx.people[0].email)).label,
    }
    assert labels == {
        "real": "valid",
        "missing": "invalid(mailbox_unknown)",
        "role": "risky(role)",
        "catch_all": "risky(catch_all)",
        "tempfail": "unknown(smtp_error)",
        "no_mx": "invalid(no_mx)",
    }
    sent = double.requests[0]
    assert (sent["hello_name"], sent["from_email"]) == ("mail.example-pm.com", "ops@example-pm.com")
    assert sent["proxy"] == {"host": "proxy.example-pm.com", "port": 1080, "username": "me", "password": "pass"}


async def test_reacher_refusing_or_absent_is_unknown_never_invalid(
    world: World, reacher: tuple[str, ReacherDouble]
) -> None:
    url, _ = reacher
    address = pick(world, mail_server="strict").people[0].email
    assert (await ReacherVerifier(url, "wrong").check(address)).label == "unknown(reacher_refused)"
    gone = ReacherVerifier("http://127.0.0.1:9", timeout=2)  # nothing listens on the discard port
    assert (await gone.check(address)).label == "unknown(reacher_unreachable)"


async def test_the_smtp_backend_goes_through_a_socks5_proxy(world: World) -> None:
    from leadscout.sandbox.socks import SocksProxy

    servers = MailServers(world).start()
    try:
        with SocksProxy(username="me", password="pass") as proxy:
            checker = MailChecker(
                f"127.0.0.1:{servers.dns_port}", servers.smtp_port, timeout=5, proxy=proxy.url,
                helo="mail.example-pm.com", mail_from="ops@example-pm.com",
            )  # fmt: skip
            strict = pick(world, mail_server="strict")
            found = await checker.check(strict.people[0].email)
            assert (found.label, found.code) == ("valid", 250)
            assert proxy.connects == [("127.0.0.1", servers.smtp_port)]  # the session went through the proxy
            assert checker.port_blocked is None  # with a proxy, no probe of this machine's own port 25
    finally:
        servers.stop()


async def test_an_always_accepting_host_is_risky_never_valid(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from leadscout.research.judge import mailcheck

    servers = MailServers(world).start()
    try:
        checker = MailChecker(f"127.0.0.1:{servers.dns_port}", servers.smtp_port, timeout=5)

        async def microsoft(domain: str) -> mailcheck._Mx:  # the MX Microsoft 365 gives a tenant
            return mailcheck._Mx(host=f"{domain.replace('.', '-')}.mail.protection.outlook.com", address="127.0.0.1")

        monkeypatch.setattr(checker, "_mx_of", microsoft)
        strict = pick(world, mail_server="strict")
        assert (await checker.check(strict.people[0].email)).label == "risky(catch_all)"
    finally:
        servers.stop()
