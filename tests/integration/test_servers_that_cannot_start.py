"""Servers that cannot start say why in one line and exit 2: a port in use, an address that is
not this machine's, a data directory the embedded PostgreSQL cannot use."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, cli_env, leadscout

pytestmark = pytest.mark.integration


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    "command",
    [["serve"], ["sandbox", "serve"], ["mcp", "--transport", "http"]],
    ids=["serve", "sandbox-serve", "mcp-http"],
)
def test_a_port_in_use_is_one_line_and_exit_2(dsn: str, busy_port: int, command: list[str]) -> None:
    result = leadscout(*command, "--port", str(busy_port), dsn=dsn, timeout=60)
    assert result.returncode == 2, result.stderr
    line = _one_line(result)
    assert f"port {busy_port} is in use" in line and "pass --port" in line
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_an_address_that_is_not_this_machines(dsn: str) -> None:
    result = leadscout("serve", "--host", "192.0.2.1", "--port", "8000", dsn=dsn, timeout=60)  # TEST-NET-1
    assert result.returncode == 2, result.stderr
    assert "192.0.2.1 is not an address of this machine: pass --host" in _one_line(result)


def test_an_embedded_database_directory_that_cannot_be_one(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    env = {k: v for k, v in cli_env("").items() if k != "DATABASE_URL"} | {"LEADSCOUT_DATA_DIR": str(blocker)}
    result = subprocess.run(
        [sys.executable, "-m", "leadscout", "db", "status"], capture_output=True, text=True, env=env, cwd=ROOT,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "cannot live in" in result.stderr and "LEADSCOUT_DATA_DIR" in result.stderr
    assert "Traceback" not in result.stderr
