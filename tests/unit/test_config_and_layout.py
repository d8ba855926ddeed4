import re
from pathlib import Path

import pytest

from leadscout.config import load_settings
from leadscout.db.queries import QUERIES
from leadscout.errors import ConfigError

SRC = Path(__file__).resolve().parents[2] / "src" / "leadscout"


def test_dead_after_must_cover_two_heartbeats() -> None:
    with pytest.raises(ConfigError, match="at least twice"):
        load_settings(heartbeat_interval=30, dead_after=45)
    assert load_settings(heartbeat_interval=30, dead_after=300).sweep_interval == 30


def test_every_store_query_exists_and_every_query_is_used() -> None:
    store_text = (SRC / "db" / "store.py").read_text() + (SRC / "db" / "monitor_store.py").read_text()
    used = set(re.findall(r'"([a-z_]+)"', store_text)) & set(QUERIES)
    referenced = set(re.findall(r'_(?:rows|one|models?)\((?:[^,]+, )?"([a-z_]+)"', store_text))
    assert referenced <= set(QUERIES), referenced - set(QUERIES)
    assert set(QUERIES) <= used, set(QUERIES) - used


def test_no_sql_outside_the_db_layer() -> None:
    pattern = re.compile(r"\b(SELECT|INSERT INTO|UPDATE|DELETE FROM)\b .*\b(FROM|SET|VALUES|pm_pipeline)\b")
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.parts[-2] == "db":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(line) and "set_config" not in line:
                offenders.append(f"{path.relative_to(SRC)}:{number}")
    assert offenders == []
