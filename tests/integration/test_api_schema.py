"""schemathesis generates requests for every operation of the OpenAPI spec (valid and invalid
bodies, paths, queries, headers) against the live server: none may answer 500, and every error is
a problem+json document."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from leadscout.api.app import ServerConfig, serving
from leadscout.config import Settings
from leadscout.sandbox.server import SandboxServer
from leadscout.web.app import create_app
from tests.conftest import ROOT

pytestmark = [pytest.mark.integration, pytest.mark.once]
EXAMPLES = 25


@pytest.fixture
def api(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with SandboxServer(seed=7) as sandbox:
        for key, value in sandbox.env().items():
            monkeypatch.setenv(key, value)
        config = ServerConfig(settings=settings, workers=0, exports_dir=tmp_path, sandbox_seed=7)
        with serving(create_app(config)) as url:
            yield url


def test_no_generated_request_gets_a_500(api: str) -> None:
    schema = schemathesis.openapi.from_url(f"{api}/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @hypothesis_settings(
            max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=operation.as_strategy())
        def probe(case: schemathesis.Case) -> None:
            response = case.call(base_url=api, timeout=15)
            where = f"{case.method} {case.formatted_path} -> {response.status_code}"
            kind = " ".join(response.headers.get("content-type") or [])
            if response.status_code >= 500 and response.status_code != 503:
                failures.append(f"{where}: {response.text[:300]}")
            elif response.status_code >= 400 and "problem+json" not in kind:
                failures.append(f"{where} is not problem+json: {kind}")

        probe()
    assert operations >= 15
    assert failures == [], "\n".join(failures[:20])


def test_every_schemathesis_check_passes(api: str) -> None:
    """`st run --checks all` (the project's schemathesis.toml: 422 answers what JSON Schema cannot
    say, 413 a body over 64 KB) in all four phases, with bounded examples and a fixed seed."""
    st = Path(sys.executable).with_name("st")
    result = subprocess.run(
        [str(st), "--config-file", str(ROOT / "schemathesis.toml"), "--no-color", "run", f"{api}/openapi.json",
         "--checks", "all", "--max-examples", "12", "--seed", "7", "--output-sanitize", "false"],
        capture_output=True, text=True, timeout=280, cwd=ROOT,
    )  # fmt: skip
    summary = result.stdout[-6000:]
    assert result.returncode == 0 and " passed" in summary and "failures" not in summary.split("SUMMARY")[-1], summary


def test_a_method_the_path_does_not_answer_gets_405_with_every_allowed_method(api: str) -> None:
    response = httpx.request("PUT", f"{api}/api/v1/runs")
    assert response.status_code == 405 and response.headers["content-type"].startswith("application/problem+json")
    assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}


def test_the_agent_strategy_on_a_server_without_a_model_is_a_documented_409(api: str) -> None:
    response = httpx.post(f"{api}/api/v1/runs", json={"quantity": 3, "state": "TX", "strategy": "agent"})
    assert response.status_code == 409 and "needs an LLM" in response.json()["detail"]
    documented = httpx.get(f"{api}/openapi.json").json()["paths"]["/api/v1/runs"]["post"]["responses"]
    assert "application/problem+json" in documented["409"]["content"] and "422" in documented
