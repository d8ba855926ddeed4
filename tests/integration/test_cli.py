"""The real ``leadscout`` command in subprocesses, against a real PostgreSQL."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import psycopg
import pytest

from leadscout.sandbox.receiver import FlakyReceiver
from leadscout.serving import ThreadedServer
from leadscout.webhooks.signing import new_secret
from tests.conftest import cli_env, leadscout

pytestmark = pytest.mark.integration


def count_runs(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        return conn.execute("SELECT count(*) FROM pm_pipeline.runs").fetchone()[0]  # type: ignore[index]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-n", "-5", "--state", "TX"], "quantity: Input should be greater than or equal to 1"),
        (["-n", "1001", "--state", "TX"], "quantity: Input should be less than or equal to 1000"),
        (["-n", "5", "--state", "Narnia"], "unknown US state 'Narnia'"),
        (["-n", "5", "--state", "TX", "--pms", "Frobnicator"], "known names: AppFolio, Buildium"),
        (["--state", "TX"], "how many companies?"),
    ],
)
def test_invalid_criteria_get_a_clear_error_and_create_nothing(dsn: str, args: list[str], message: str) -> None:
    result = leadscout("run", *args, "--source", "directory", dsn=dsn)
    assert result.returncode == 2, result.stderr
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    assert count_runs(dsn) == 0


def test_run_json_is_one_stable_object_and_status_matches(dsn: str, world_csv: Path, tmp_path: Path) -> None:
    assert leadscout("directory", "import", str(world_csv), dsn=dsn).returncode == 0
    secret = new_secret()
    receiver = FlakyReceiver(secret)
    with ThreadedServer(receiver.app) as hooks:
        result = _run_with_webhook(dsn, tmp_path, f"{hooks.url}/hooks", secret)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)  # the whole stdout is exactly one JSON object
    [event] = receiver.handled.values()  # signed, verified by the receiver with the standardwebhooks library
    assert (event["type"], event["data"]["run_id"], event["data"]["companies"]) == ("run.completed", data["run_id"], 25)
    assert secret not in result.stdout + result.stderr
    assert {"run_id", "status", "stage", "target_quantity", "companies_found", "batches", "exports"} <= set(data)
    assert (data["status"], data["stage"], data["target_quantity"], data["companies_found"]) == (
        "completed",
        "done",
        25,
        25,
    )
    assert [(b["number"], b["requested"], b["found"]) for b in data["batches"]] == [(1, 10, 10), (2, 10, 10), (3, 5, 5)]
    assert all(isinstance(b["seconds"], float) for b in data["batches"])
    companies = Path(data["exports"]["companies"]).read_text().splitlines()
    contacts = Path(data["exports"]["contacts"]).read_text().splitlines()
    assert companies[0].startswith("company_name,domain,website,city,state,pms,") and len(companies) == 26
    assert contacts[0].startswith("company_domain,company_name,full_name,title,") and len(contacts) > 25

    status = leadscout("status", data["run_id"], "--json", dsn=dsn)
    assert status.returncode == 0
    again = json.loads(status.stdout)
    for key in ("run_id", "status", "stage", "target_quantity", "companies_found", "batches"):
        assert again[key] == data[key]


def _run_with_webhook(dsn: str, out: Path, url: str, secret: str) -> subprocess.CompletedProcess[str]:
    args = ["run", "-n", "25", "--city", "Austin", "--state", "TX", "--json", "--out", str(out)]
    args += ["--source", "directory", "--geo", "city", "--webhook", url, "--webhook-secret", secret]
    return leadscout(*args, dsn=dsn, env=cli_env(dsn, LEADSCOUT_WEBHOOK_ALLOW_HOSTS="127.0.0.1"))


def test_run_prints_the_seed_report(dsn: str, world_csv: Path, tmp_path: Path) -> None:
    leadscout("directory", "import", str(world_csv), dsn=dsn)
    result = leadscout(
        "run",
        "25 property managers in Austin, TX",
        "--out",
        str(tmp_path),
        "--source",
        "directory",
        "--geo",
        "city",
        dsn=dsn,
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout
    for line in (
        "Batch 1:",
        "Batch 2:",
        "Batch 3:",
        "Found 10 companies",
        "Found 5 companies",
        "Total Batches: 3",
        "Companies Found: 25/25",
        "Success Rate: 100.0%",
        "Avg Time/Batch:",
    ):
        assert line in text
    assert "Batch 4:" not in text


def test_no_wait_then_a_worker_finishes_the_run(dsn: str, world_csv: Path) -> None:
    leadscout("directory", "import", str(world_csv), dsn=dsn)
    created = json.loads(
        leadscout("run", "-n", "12", "--state", "TX", "--no-wait", "--json", "--source", "directory", dsn=dsn).stdout
    )
    assert created["status"] == "active" and created["companies_found"] == 0
    worker = leadscout("worker", "--concurrency", "2", dsn=dsn, env={"RUN_FILTER_ID": created["run_id"]})
    assert worker.returncode == 0, worker.stderr
    final = json.loads(leadscout("status", created["run_id"], "--json", dsn=dsn).stdout)
    assert (final["status"], final["companies_found"], len(final["batches"])) == ("completed", 12, 2)


def test_directory_import_reports_bad_rows_without_failing(dsn: str, tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(
        "name,website,state,units\nGood,https://good-pm.com,TX,120\n"
        ",https://noname.com,TX,\nPortal,https://acme.appfolio.com,TX,\n"
        "Bad State,https://bs.com,Narnia,\nBad Units,https://bu.com,TX,lots\n"
    )
    result = leadscout("directory", "import", str(path), "--json", dsn=dsn)
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert (report["rows"], report["companies_added"]) == (5, 1)
    assert [e.split(":")[0] for e in report["errors"]] == ["row 3", "row 4", "row 5", "row 6"]
    missing = leadscout("directory", "import", str(tmp_path / "nope.csv"), dsn=dsn)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_suppression_commands(dsn: str, tmp_path: Path) -> None:
    assert leadscout("suppress", "add", "https://www.Acme.com/x", "beta.io", dsn=dsn).returncode == 0
    listing = tmp_path / "block.txt"
    listing.write_text("# customers\ngamma.com\nnot a domain\nacme.com\n")
    result = leadscout("suppress", "import", str(listing), dsn=dsn)
    assert "1 added, 1 already suppressed, 1 rejected" in result.stdout
    rows = json.loads(leadscout("suppress", "list", "--json", dsn=dsn).stdout)
    assert [r["domain"] for r in rows] == ["acme.com", "beta.io", "gamma.com"]
    bad = leadscout("suppress", "add", "http://", dsn=dsn)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    as_csv = tmp_path / "customers.csv"
    as_csv.write_text("company,website\nDelta,https://www.delta-pm.com/x\nBlank,\n")
    assert "1 added, 0 already suppressed, 0 rejected" in leadscout("suppress", "import", str(as_csv), dsn=dsn).stdout
    no_column = tmp_path / "names.csv"
    no_column.write_text("company\nDelta\n")
    refused = leadscout("suppress", "import", str(no_column), dsn=dsn)
    assert refused.returncode == 2 and "'domain' or 'website' column" in refused.stderr
    latin = tmp_path / "legacy.txt"
    latin.write_bytes(b"epsilon.com\n\xff caf\xe9.com\n")
    undecodable = leadscout("suppress", "import", str(latin), dsn=dsn)
    assert undecodable.returncode == 2 and "not UTF-8 text" in undecodable.stderr
    assert "Traceback" not in undecodable.stderr


def test_status_of_unknown_run_is_a_clear_error(dsn: str) -> None:
    for run_id in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        result = leadscout("status", run_id, dsn=dsn)
        assert result.returncode == 2 and "leadscout runs" in result.stderr


def test_bad_database_url_is_a_clear_error(tmp_path: Path) -> None:
    result = leadscout("runs", dsn="postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "error:" in result.stderr


def test_default_run_without_a_provider_uses_the_directory_and_says_so(
    dsn: str, world_csv: Path, tmp_path: Path
) -> None:
    no_provider = {
        k: "" for k in ("LEADSCOUT_SEARXNG_URL", "SERPER_API_KEY", "BRAVE_API_KEY", "LEADSCOUT_SEARCH_PROVIDER")
    }
    leadscout("directory", "import", str(world_csv), dsn=dsn)
    result = leadscout(
        "run", "-n", "25", "--city", "Austin", "--state", "TX", "--out", str(tmp_path), dsn=dsn, env=no_provider
    )
    assert result.returncode == 0, result.stderr
    assert "searching the research directory only" in " ".join(result.stderr.split())
    assert "Total Batches: 3" in result.stdout and "Companies Found: 25/25" in result.stdout
    explicit = leadscout("run", "-n", "5", "--state", "TX", "--source", "web", dsn=dsn, env=no_provider)
    assert explicit.returncode == 2 and "--sandbox" in " ".join(explicit.stderr.split())


def test_decide_export_outbox_and_hubspot_commands(dsn: str, tmp_path: Path) -> None:
    directory = tmp_path / "dir.csv"
    directory.write_text(
        "name,website,city,state,contact_name,contact_title,contact_email\n"
        "Alpha PM,https://alpha-pm.com,Austin,TX,Ann Owner,Owner,ann@alpha-pm.com\n"
        "Beta PM,https://beta-pm.com,Austin,TX,,,\n"
    )
    assert leadscout("directory", "import", str(directory), dsn=dsn).returncode == 0
    args = ["-n", "2", "--city", "Austin", "--state", "TX", "--geo", "city", "--source", "directory", "--json"]
    asked = json.loads(leadscout("run", *args, "--out", str(tmp_path), dsn=dsn).stdout)
    assert asked["status"] == "needs_user_decision"
    run_id = asked["run_id"]

    wrong = leadscout("decide", run_id, "make-it-so", dsn=dsn)
    assert wrong.returncode == 2 and "accept-partial" in wrong.stderr and "Traceback" not in wrong.stderr
    bad_units = leadscout("decide", run_id, "lower-units", dsn=dsn)
    assert bad_units.returncode == 2 and "lower-units needs the new minimum" in bad_units.stderr

    done = leadscout("decide", run_id, "accept-partial", "--out", str(tmp_path), dsn=dsn)
    assert done.returncode == 0, done.stderr
    assert "completed (stage done)" in done.stdout and "held: set SMTP_HOST" in done.stdout
    again = leadscout("decide", run_id, "accept-partial", dsn=dsn)
    assert again.returncode == 2 and "only a run in needs_user_decision" in again.stderr

    xlsx = leadscout("export", run_id, "--format", "xlsx", "--out", str(tmp_path / "x"), dsn=dsn)
    assert xlsx.returncode == 0 and (tmp_path / "x" / f"companies_{run_id}.xlsx").stat().st_size > 0
    assert leadscout("export", run_id, "--format", "pdf", dsn=dsn).returncode == 2

    [held] = json.loads(leadscout("outbox", "--run", run_id, "--json", dsn=dsn).stdout)
    assert held["status"] == "held" and held["dedupe_key"] == f"run_completed:{run_id}"
    no_smtp = leadscout("outbox", "send", held["id"], dsn=dsn, env={"SMTP_HOST": ""})
    assert no_smtp.returncode == 2 and "SMTP_HOST is not set" in no_smtp.stderr

    no_token = leadscout("hubspot", "push", run_id, dsn=dsn, env={"HUBSPOT_ACCESS_TOKEN": ""})
    assert no_token.returncode == 2 and "HUBSPOT_ACCESS_TOKEN" in no_token.stderr and "Traceback" not in no_token.stderr


def test_extract_shows_what_each_reader_finds(dsn: str, tmp_path: Path) -> None:
    page = tmp_path / "team.html"
    page.write_text(
        "<html><body><header><a class='btn' href='https://oakpm.appfolio.com/connect'>Resident Login</a></header>"
        "<div class='stat'><span>1,200+</span><span>Doors under management</span></div>"
        "<p>Proudly serving Austin, Round Rock and Cedar Park.</p>"
        "<div class='card'><h3>Jane Doe</h3><p>Owner/Broker</p></div>"
        "<footer><address>500 Elm St, Round Rock, TX 78664</address></footer></body></html>"
    )
    result = leadscout("extract", str(page), "--base-url", "http://www.oakpm.com/team", "--json", dsn=dsn)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["units_estimate"] == 1200 and "Doors under management" in found["units_quote"]
    assert found["people"] == [{"full_name": "Jane Doe", "title": "Owner/Broker", "email": None}]
    assert [(p["vendor"], p["tier"], p["url"]) for p in found["pms"]] == [
        ("appfolio", "strong", "https://oakpm.appfolio.com/connect")
    ]
    assert found["hq"]["city"] == "Round Rock" and found["hq"]["state"] == "TX"
    assert found["service_areas"] == ["Austin", "Round Rock", "Cedar Park"]
    text = leadscout("extract", "-", "--json", dsn=dsn, input_text="We manage approximately 400 units in Tampa.")
    assert json.loads(text.stdout)["units_estimate"] == 360  # about 400: at least 360 is what it proves
    human = leadscout("extract", str(page), dsn=dsn)
    assert human.returncode == 0 and "Jane Doe" in human.stdout and "appfolio" in human.stdout
    missing = leadscout("extract", str(tmp_path / "nope.html"), dsn=dsn)
    assert missing.returncode == 2 and "no such file" in missing.stderr and "Traceback" not in missing.stderr
