"""Fixtures and set-ups shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from leadscout.criteria import parse_criteria
from leadscout.db.store import Store
from leadscout.models import Run
from leadscout.pipeline.directory import import_file
from leadscout.pipeline.runs import create_run
from leadscout.sandbox.server import SandboxServer


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=7, timeout_seconds=3) as server:
        yield server


async def directory_run(
    store: Store, tmp_path: Path, directory_csv: str, request: dict[str, Any], batch_size: int = 10
) -> Run:
    """A run on the directory sources, after importing ``directory_csv`` (a CSV text)."""
    path = tmp_path / "dir.csv"
    path.write_text(directory_csv)
    await import_file(store, path)
    return await create_run(store, parse_criteria(request), batch_size=batch_size)


AUSTIN_TWO = {"quantity": 2, "cities": ["Austin"], "state": "TX", "geo_scope": "city"}


async def run_short_of_contacts(store: Store, tmp_path: Path) -> Run:
    """A 2-company directory run in which Beta PM has no contact and nothing can replace it: it
    must end in a decision."""
    directory = (
        "name,website,city,state,contact_name,contact_title\n"
        "Alpha PM,https://alpha-pm.com,Austin,TX,Ann Owner,Owner\n"
        "Beta PM,https://beta-pm.com,Austin,TX,,\n"
    )
    return await directory_run(store, tmp_path, directory, AUSTIN_TWO)
