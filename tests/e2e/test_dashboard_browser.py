"""The dashboard in a real browser (Playwright driving Debian's Chromium): start a run on the sandbox
web, watch it complete live, open an evidence drawer, make a decision, download the CSV. The same
criteria started from the CLI give the same companies. Screenshots of every page go to
artifacts/screenshots/ (git-ignored; LEADSCOUT_ARTIFACTS moves them)."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from leadscout.api.app import ServerConfig, serving
from leadscout.config import Settings
from leadscout.pipeline.export import COMPANY_COLUMNS
from leadscout.sandbox.server import SandboxServer
from leadscout.sandbox.world import build
from leadscout.web.app import create_app
from tests.conftest import ROOT, leadscout

pytestmark = [pytest.mark.e2e, pytest.mark.once]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(os.environ.get("LEADSCOUT_ARTIFACTS", ROOT / "artifacts")) / "screenshots"
REQUEST = "6 property managers in Charlotte, NC"


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is installed by scripts/test.sh")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: scripts/test.sh installs Debian's chromium with apt (needs root)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def dashboard(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with SandboxServer(seed=7, timeout_seconds=3) as sandbox:
        for key, value in sandbox.env().items():
            monkeypatch.setenv(key, value)
        fast = sandbox.settings_for(settings).model_copy(update={"fetch_timeout": 2.0, "politeness_delay": 0.05})
        config = ServerConfig(settings=fast, workers=4, sandbox_seed=7, exports_dir=tmp_path / "exports")
        with serving(create_app(config)) as url:
            yield url


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def start_from_form(page: Any, base: str, request: str, *, geo: str = "city", preview: bool = False) -> str:
    page.goto(f"{base}/runs/new")
    page.fill("input[name=request]", request)
    page.select_option("select[name=geo_scope]", geo)
    if preview:
        page.check("input[name=preview]")
    page.click("#check")
    page.wait_for_selector("#understood:not([hidden])")
    shot(page, "new-run-understood" + ("-preview" if preview else ""))
    page.click("#start")
    page.wait_for_url(re.compile(r".*/runs/[0-9a-f-]{36}$"))
    return str(page.url.rsplit("/", 1)[-1])


def test_start_watch_inspect_decide_and_download_in_a_browser(
    browser: Any, dashboard: str, dsn: str, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page.goto(dashboard)
    shot(page, "runs-empty")
    run_id = start_from_form(page, dashboard, REQUEST)
    # live: the page is never reloaded; the event stream updates it until the run completes
    page.wait_for_selector("#summary .badge-completed", timeout=180_000)
    # the summary can turn "completed" a poll before the stream delivers the run_completed event
    page.wait_for_selector("#events li[data-event=run_completed]", timeout=30_000)
    assert page.locator("#events li").count() >= 10
    assert "Completed with 6 companies" in page.locator("#events li[data-event=run_completed]").inner_text()
    assert page.locator("#companies tr.company").count() == 6
    shot(page, "run-completed")

    page.locator("#companies tr.company").first.click()
    page.wait_for_selector("#drawer .company-detail")
    verdicts = page.locator("#drawer .verdict")
    assert verdicts.count() >= 2
    assert page.locator("#drawer .verdict-true").count() == verdicts.count()  # every criterion proven
    quote = page.locator("#drawer .evidence").first
    assert quote.inner_text().strip().startswith("“")
    assert page.locator("#drawer .evidence a").first.get_attribute("href").startswith("http://www.")
    shot(page, "evidence-drawer")
    page.keyboard.press("Escape")
    assert page.locator("#drawer").is_hidden()

    with page.expect_download() as download:
        page.click(f"a[href='/api/v1/runs/{run_id}/export?format=csv&kind=companies']")
    saved = tmp_path / "companies.csv"
    download.value.save_as(str(saved))
    with saved.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == COMPANY_COLUMNS and len(rows) == 6 and {r["run_id"] for r in rows} == {run_id}
    world = build(7)
    assert all(world.by_domain[r["domain"]].city == "Charlotte" for r in rows)

    # a decision: a preview run stops with its projected cost; "continue" from the panel resumes it
    preview_id = start_from_form(page, dashboard, "12 property managers in Charlotte, NC", preview=True)
    page.wait_for_selector("#decision button.decide[data-action=continue]", timeout=120_000)
    shot(page, "decision-panel")
    page.click("#decision button.decide[data-action=continue]")
    page.wait_for_selector("#summary .badge-completed", timeout=180_000)
    assert page.locator("#companies tr.company").count() == 12
    shot(page, "decision-resumed")

    page.goto(dashboard)
    assert page.locator("tr[data-run]").count() == 2 and page.locator(".badge-completed").count() == 2
    shot(page, "runs")
    page.goto(f"{dashboard}/workers")
    assert page.locator("td.mono").count() >= 1
    shot(page, "workers")
    page.goto(f"{dashboard}/suppression")
    page.fill("#suppress input[name=domains]", "https://www.acme-pm.com/about")
    page.click("#suppress button[type=submit]")
    page.wait_for_selector("td.mono:has-text('acme-pm.com')")
    shot(page, "suppression")

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"{dashboard}/runs/{run_id}")
    phone.wait_for_selector("#summary .badge-completed")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways page scroll
    shot(phone, "run-phone")
    assert preview_id != run_id

    # the same criteria from the CLI give the same companies, in the same order
    fast = {"LEADSCOUT_FETCH_TIMEOUT": "2", "LEADSCOUT_POLITENESS_DELAY": "0.05"}
    args = ["run", "--sandbox", REQUEST, "--geo", "city", "--json", "--out", str(tmp_path / "cli")]
    cli = leadscout(*args, dsn=dsn, env=fast, timeout=200)  # under pytest-timeout's 300 s: its output is kept
    assert cli.returncode == 0, cli.stderr[-1500:]
    summary = json.loads(cli.stdout)
    with Path(summary["exports"]["companies"]).open(newline="") as handle:
        from_cli = [r["domain"] for r in csv.DictReader(handle)]
    assert from_cli == [r["domain"] for r in rows]
