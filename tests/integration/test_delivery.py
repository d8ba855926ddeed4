"""Research that drops contradicted companies, completion (exports + outbox + SMTP), user
decisions and the HubSpot push, through real workers, real PostgreSQL and real sockets."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from leadscout.config import Settings
from leadscout.criteria import parse_criteria
from leadscout.crm.hubspot import HubSpot, push_run, sync_suppression
from leadscout.db.store import Store
from leadscout.errors import ConfigError, Conflict
from leadscout.models import CompanyFacts, NewOutboxMessage, Stage, Status
from leadscout.pipeline import jobs
from leadscout.pipeline.decisions import Decision, decide
from leadscout.pipeline.delivery import send_notification
from leadscout.pipeline.directory import import_file
from leadscout.pipeline.export import COMPANY_COLUMNS, CONTACT_COLUMNS, export_run
from leadscout.pipeline.runs import create_run, summarize
from leadscout.sandbox.server import SandboxServer
from leadscout.sandbox.world import WorldCompany
from leadscout.workers.runner import WorkerConfig, mailer, run_worker
from tests.conftest import work_until_settled
from tests.integration.conftest import AUSTIN_TWO, directory_run, run_short_of_contacts

pytestmark = [pytest.mark.integration, pytest.mark.sql]


@pytest.fixture
def web_settings(sandbox: SandboxServer, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Workers that search, fetch, verify mailboxes and notify through the sandbox world."""
    for key, value in sandbox.env().items():
        monkeypatch.setenv(key, value)
    return sandbox.settings_for(settings).model_copy(
        update={
            "dns_server": f"127.0.0.1:{sandbox.mail.dns_port}",
            "smtp_probe_port": sandbox.mail.smtp_port,
            "smtp_host": "127.0.0.1",
            "smtp_port": sandbox.mail.smtp_port,
            "notify_to": "ops@leadscout.test",
            "fetch_timeout": 3.0,
            "politeness_delay": 0.0,
        }
    )


def austin_firms(sandbox: SandboxServer, pms: str) -> list[WorldCompany]:
    return [
        c
        for c in sandbox.world.companies
        if c.metro == "Austin"
        and c.city == "Austin"
        and c.kind == "property_manager"
        and c.health == "ok"
        and c.pms == pms
        and c.placement in ("nav", "footer", "button")
        and (c.units or 0) >= 100
    ]


def directory_file(path: Path, rows: list[tuple[WorldCompany, str, int]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "website", "city", "state", "pms", "units"])
        for c, pms, units in rows:
            writer.writerow([c.name, c.website, c.city, c.state, pms, units])
    return path


async def test_research_drops_a_contradicted_company_and_discovery_refills(
    sandbox: SandboxServer, store: Store, web_settings: Settings, dsn: str, tmp_path: Path
) -> None:
    honest = austin_firms(sandbox, "appfolio")[:3]
    liar = austin_firms(sandbox, "buildium")[0]  # the directory says AppFolio; its site says Buildium
    rows = [(liar, "appfolio", 5000)] + [(c, "appfolio", c.units or 0) for c in honest]
    await import_file(store, directory_file(tmp_path / "dir.csv", rows))
    criteria = parse_criteria({"quantity": 3, "cities": ["Austin"], "state": "TX", "pms": ["appfolio"]})
    run = await create_run(store, criteria, batch_size=10, options={"sources": ["directory"]})
    final = await work_until_settled(store, web_settings, dsn, run)

    assert (final.stage, final.status) == (Stage.DONE, Status.COMPLETED)
    delivered = await store.run_companies(run.id, run.target_quantity)
    assert sorted(c.domain for c in delivered) == sorted(c.domain for c in honest)
    [dropped] = await store.dropped_companies(run.id)
    assert dropped["domain"] == liar.domain and "pms: uses buildium" in dropped["drop_reason"]
    events = [e.event for e in await store.events_since(run.id)]
    assert "company_dropped" in events and "rediscovery_started" in events
    assert events.index("company_dropped") < events.index("rediscovery_started") < events.index("run_completed")
    research = await store.get_research(run.id)
    for company in delivered:
        facts = CompanyFacts.model_validate(research[company.id]["facts"])
        truth = sandbox.world.by_domain[company.domain]
        assert [p.vendor for p in facts.pms if p.tier == "strong"] == ["appfolio"]
        assert facts.pms[0].evidence and facts.pms[0].evidence[0].url
        assert facts.units_estimate.value == truth.units and facts.units_estimate.evidence[0].quote
        assert facts.phone.value == truth.phone
        assert facts.year_founded.value == (truth.founded or "unknown")  # unknown, never guessed
        assert facts.contradictions == [] and 0 < facts.fit_score <= 1 and facts.fit_reasons
        assert company.fit_score is not None


async def test_completion_writes_files_and_notifies_exactly_once(
    sandbox: SandboxServer, store: Store, web_settings: Settings, dsn: str
) -> None:
    criteria = parse_criteria(
        {"quantity": 4, "cities": ["Austin"], "state": "TX", "pms": ["appfolio"], "units_min": 100}
    )
    run = await create_run(store, criteria, batch_size=10, options={"sources": ["web"], "sandbox": {}})
    before = len(sandbox.mail.handler.messages)
    final = await work_until_settled(store, web_settings, dsn, run)
    assert (final.stage, final.status) == (Stage.DONE, Status.COMPLETED)

    contacts = await store.run_contacts(run.id)
    per_company = {c.id: 0 for c in await store.run_companies(run.id, run.target_quantity)}
    for ct in contacts:
        per_company[ct.company_id] += 1
        person = {p.full_name: p for p in sandbox.world.by_domain[ct.company_domain or ""].people}[ct.full_name]
        assert ct.title == person.title and ct.email in (None, person.email)
    assert all(1 <= n <= 3 for n in per_company.values())

    payload = await store.completion_payload(run.id)
    assert payload is not None
    files = payload["files"]
    assert {f"{kind}_{fmt}" for kind in ("companies", "contacts") for fmt in ("csv", "json", "xlsx")} == set(files)
    with open(files["companies_csv"], newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COMPANY_COLUMNS and len(list(reader)) == 4
    sheet = load_workbook(files["contacts_xlsx"], read_only=True).active
    assert sheet is not None and [c.value for c in next(sheet.iter_rows())] == CONTACT_COLUMNS
    assert len(json.loads(Path(files["contacts_json"]).read_text())) == len(contacts)

    async def notified() -> bool:  # the notification job may still be queued when the run settles
        return [m.status for m in await store.list_outbox(run.id)] in (["sent"], ["failed"])

    await run_worker(web_settings, dsn, WorkerConfig(concurrency=2, install_signal_handlers=False, until=notified))
    [message] = await store.list_outbox(run.id)
    assert message.status == "sent" and message.attempts == 1
    sent = sandbox.mail.handler.messages[before:]
    assert [m["Message-ID"] for m in sent] == [f"<outbox-{message.id}@leadscout>"]
    assert str(run.id) in sent[0].get_payload()[0].get_payload()  # type: ignore[index,union-attr]
    # completing or sending again changes nothing
    assert (await send_notification(store, mailer(web_settings), message.id)).startswith("skipped")
    assert len(sandbox.mail.handler.messages) == before + 1
    assert [e.event for e in await store.events_since(run.id)].count("run_completed") == 1


async def test_a_worker_that_cannot_send_mail_never_takes_a_notification(
    sandbox: SandboxServer, store: Store, web_settings: Settings, dsn: str
) -> None:
    """The hang of `leadscout run` beside a dashboard: a worker without SMTP_HOST took the
    notification job, called it done, and left the message pending for ever."""
    run = await create_run(store, parse_criteria({"quantity": 1, "state": "TX"}), batch_size=10)
    message = NewOutboxMessage(
        run_id=run.id, kind="run_completed", dedupe_key=f"test:{run.id}", recipients=["ops@leadscout.test"],
        subject="ready", body="ready", status="pending",
    )  # fmt: skip
    async with store.transaction() as conn:  # what a completing worker with SMTP_HOST commits
        message_id = await store.insert_outbox(message, conn)
        assert message_id is not None
        await jobs.enqueue(store, conn, jobs.notify_job(run, message_id))
    deaf = web_settings.model_copy(update={"smtp_host": None})
    loops = 0

    async def a_while() -> bool:
        nonlocal loops
        loops += 1
        return loops > 12  # about 3 s of a worker that cannot send mail

    await run_worker(deaf, dsn, WorkerConfig(concurrency=2, install_signal_handlers=False, until=a_while))
    assert [m.status for m in await store.list_outbox(run.id)] == ["pending"]

    deadline = time.monotonic() + 30

    async def notified() -> bool:
        return time.monotonic() > deadline or [m.status for m in await store.list_outbox(run.id)] != ["pending"]

    await run_worker(web_settings, dsn, WorkerConfig(concurrency=2, install_signal_handlers=False, until=notified))
    assert [m.status for m in await store.list_outbox(run.id)] == ["sent"]  # the job waited for a worker that can


async def test_contacts_short_then_user_decisions(
    sandbox: SandboxServer, store: Store, settings: Settings, dsn: str, tmp_path: Path
) -> None:
    directory = (
        "name,website,city,state,contact_name,contact_title,contact_email\n"
        "Alpha PM,https://alpha-pm.com,Austin,TX,Ann Owner,Owner,ann@alpha-pm.com\n"
        "Beta PM,https://beta-pm.com,Austin,TX,,,\n"
        "Gamma PM,https://gamma-pm.com,Round Rock,TX,Gil Boss,President,\n"
    )
    run = await directory_run(store, tmp_path, directory, AUSTIN_TWO)
    asked = await work_until_settled(store, settings, dsn, run)
    assert (asked.stage, asked.status) == (Stage.COMPANY_DISCOVERY, Status.NEEDS_USER_DECISION)
    waiting = await summarize(store, run.id)  # the decision says who was replaced, and why
    assert [(c["domain"], c["contacts"]) for c in waiting.decision_companies] == [("beta-pm.com", 0)]
    assert waiting.decision_companies[0]["why"]
    files = await export_run(store, run.id, tmp_path / "waiting")  # what it has is exportable already
    with open(files["companies"], newline="") as handle:
        assert {r["domain"] for r in csv.DictReader(handle)} == {"alpha-pm.com"}

    resumed = await decide(store, run.id, Decision(action="expand_location", cities=["Round Rock"]))
    assert (resumed.stage, resumed.status) == (Stage.COMPANY_DISCOVERY, Status.ACTIVE)
    final = await work_until_settled(store, settings, dsn, resumed)
    assert (final.stage, final.status) == (Stage.DONE, Status.COMPLETED)
    delivered = sorted(c.domain for c in await store.run_companies(run.id, run.target_quantity))
    assert delivered == ["alpha-pm.com", "gamma-pm.com"]
    assert [d["domain"] for d in await store.dropped_companies(run.id)] == ["beta-pm.com"]
    decisions = [e for e in await store.events_since(run.id) if e.event == "user_decision"]
    assert decisions[0].payload["action"] == "expand_location"
    with pytest.raises(Exception, match="only a run in needs_user_decision"):
        await decide(store, run.id, Decision(action="accept_partial"))


async def test_accept_without_contacts_takes_the_replaced_companies_back(
    store: Store, settings: Settings, dsn: str, tmp_path: Path
) -> None:
    run = await run_short_of_contacts(store, tmp_path)
    await work_until_settled(store, settings, dsn, run)
    resumed = await decide(store, run.id, Decision(action="accept_without_contacts"))
    final = await work_until_settled(store, settings, dsn, resumed)
    assert (final.stage, final.status) == (Stage.DONE, Status.COMPLETED)
    delivered = {c.domain: c.contacts_status for c in await store.run_companies(run.id, run.target_quantity)}
    assert delivered == {"alpha-pm.com": "done", "beta-pm.com": "short"}
    payload = await store.completion_payload(run.id)
    assert payload is not None and payload["partial"] is True and payload["companies"] == 2
    [decision] = [e for e in await store.events_since(run.id) if e.event == "user_decision"]
    assert decision.payload["restored"] == ["beta-pm.com"]


async def test_a_decision_the_run_did_not_offer_is_refused(
    store: Store, settings: Settings, dsn: str, tmp_path: Path
) -> None:
    directory = "name,website,city,state,contact_name,contact_title\nAlpha PM,https://alpha-pm.com,Austin,TX,,\n"
    run = await directory_run(store, tmp_path, directory, {"quantity": 3, "cities": ["Austin"], "state": "TX"}, 3)
    asked = await work_until_settled(store, settings, dsn, run)
    assert asked.status == Status.NEEDS_USER_DECISION
    assert [o["action"] for o in asked.decision_options or []] == ["expand_location", "accept_partial"]
    for action in ("continue", "accept_without_contacts"):  # no preview, and nobody was replaced
        with pytest.raises(Conflict, match=f"not offered {action.replace('_', '-')}"):
            await decide(store, run.id, Decision(action=action))  # type: ignore[arg-type]


async def test_accept_partial_completes_with_what_there_is(
    store: Store, settings: Settings, dsn: str, tmp_path: Path
) -> None:
    run = await run_short_of_contacts(store, tmp_path)
    await work_until_settled(store, settings, dsn, run)
    resumed = await decide(store, run.id, Decision(action="accept_partial"))
    final = await work_until_settled(store, settings, dsn, resumed)
    assert (final.stage, final.status) == (Stage.DONE, Status.COMPLETED)
    payload = await store.completion_payload(run.id)
    assert payload is not None and payload["partial"] is True and payload["companies"] == 1  # Beta PM was replaced
    [held] = await store.list_outbox(run.id)
    assert held.status == "held"  # no SMTP_HOST / LEADSCOUT_NOTIFY_TO configured: kept, not lost


async def test_hubspot_push_twice_creates_no_duplicates(
    sandbox: SandboxServer, store: Store, settings: Settings, dsn: str, tmp_path: Path
) -> None:
    path = tmp_path / "dir.csv"
    path.write_text(
        "name,website,city,state,contact_name,contact_title,contact_email\n"
        "Alpha PM,https://alpha-pm.com,Austin,TX,Ann Owner,Owner,ann@alpha-pm.com\n"
        "Alpha PM,https://alpha-pm.com,Austin,TX,Al Ops,COO,al@alpha-pm.com\n"
        "Beta PM,https://beta-pm.com,Austin,TX,Bo Chief,CEO,bo@beta-pm.com\n"
        "Beta PM,https://beta-pm.com,Austin,TX,Bea Nomail,President,\n"
    )
    await import_file(store, path)
    run = await create_run(store, parse_criteria({"quantity": 2, "cities": ["Austin"], "state": "TX"}), batch_size=10)
    assert (await work_until_settled(store, settings, dsn, run)).status == Status.COMPLETED
    double = sandbox.app.hubspot
    double.per_second = 2  # tight: the second push must ride out 429s
    before = double.rate_limited
    async with httpx.AsyncClient() as client:
        hubspot = HubSpot(client, "sandbox-token", f"{sandbox.url}/hubspot")
        first = await push_run(store, hubspot, run.id)
        second = await push_run(store, hubspot, run.id)
        with pytest.raises(ConfigError, match="HUBSPOT_ACCESS_TOKEN"):
            await push_run(store, HubSpot(client, "wrong", f"{sandbox.url}/hubspot"), run.id)
    assert (first.companies_created, first.contacts_upserted, first.associations) == (2, 3, 3)
    assert first.contacts_skipped_no_email == 1
    assert (second.companies_created, second.companies_updated, second.contacts_upserted) == (0, 2, 3)
    domains = sorted(r["properties"]["domain"] for r in double.companies.values())
    assert domains == ["alpha-pm.com", "beta-pm.com"]
    assert sorted(r["properties"]["email"] for r in double.contacts.values()) == [
        "al@alpha-pm.com",
        "ann@alpha-pm.com",
        "bo@beta-pm.com",
    ]
    assert len(double.associations) == 3
    assert double.rate_limited > before and second.rate_limited + first.rate_limited > 0


async def test_hubspot_suppression_sync(sandbox: SandboxServer, store: Store) -> None:
    import time

    double = sandbox.app.hubspot
    double.per_second = 50
    now_ms = int(time.time() * 1000)
    double._new(double.companies, {"domain": "www.customer-one.com", "lifecyclestage": "customer"})
    double._new(double.companies, {"domain": "talked-to.com", "notes_last_contacted": str(now_ms - 86_400_000)})
    double._new(double.companies, {"domain": "long-ago.com", "notes_last_contacted": str(now_ms - 400 * 86_400_000)})
    async with httpx.AsyncClient() as client:
        report = await sync_suppression(store, HubSpot(client, "sandbox-token", f"{sandbox.url}/hubspot"), days=90)
    blocked = {r["domain"]: r["reason"] for r in await store.list_blocked_domains()}
    assert blocked.get("customer-one.com") == "customer"
    assert blocked.get("talked-to.com") == "contacted_last_90d"
    assert "long-ago.com" not in blocked and report.added >= 2
