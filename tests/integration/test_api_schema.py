"""schemathesis generates requests for every operation of the OpenAPI spec (valid and invalid
bodies, paths, queries, headers) against the live server: none may answer 500, and every error is
a problem+json document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from leadscout.api.app import ServerConfig, serving
from leadscout.config import Settings
from leadscout.sandbox.server import SandboxServer
from leadscout.web.app import create_app

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
