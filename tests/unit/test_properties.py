"""Property-based tests (hypothesis): whatever the input, leadscout answers with a result or its
own clear error, never a crash. Criteria, domains, hostile HTML, directory rows (CSV and JSON)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadscout.criteria import parse_criteria
from leadscout.domains import InvalidDomain, company_domain, registrable_domain
from leadscout.errors import ImportFileError, InvalidCriteria, UserError
from leadscout.pipeline.directory import parse_row, read_rows
from leadscout.pipeline.request import build_criteria, parse_request
from leadscout.research.judge.verify import judge
from leadscout.research.read.extract import PageFacts, extract
from leadscout.research.read.pms import Page, detect_pms
from leadscout.research.web.fetch import FetchResult

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORDS = st.sampled_from(
    ["25", "AppFolio", "Buildium", "in", "Austin,", "TX", "with", "100+", "units", "doors", "under", "500",
     "property", "managers", "Texas", "Denver, CO", "at most", "2-3", "contacts", "0", "-5", "1001", "none", ","]
)  # fmt: skip
TEXT = st.one_of(st.text(max_size=300), st.lists(WORDS, max_size=25).map(" ".join))
JSONISH: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


@FAST
@given(TEXT)
def test_any_request_text_parses_or_is_refused_clearly(text: str) -> None:
    found = parse_request(text)
    assert isinstance(found, dict) and found["natural_request"] == text.strip()
    try:
        criteria = build_criteria(text)
    except (UserError, InvalidCriteria) as exc:
        assert str(exc) and "Traceback" not in str(exc)
    else:
        assert 1 <= criteria.quantity <= 1000 and criteria.describe()


CRITERIA_KEYS = ["quantity", "state", "cities", "pms", "units_min", "units_max", "contacts_min", "contacts_max",
                 "geo_scope", "metro_radius_miles", "exclude_domains", "unknown_is_match", "colour"]  # fmt: skip


@FAST
@given(st.dictionaries(st.sampled_from(CRITERIA_KEYS), JSONISH, max_size=8))
def test_any_criteria_json_validates_or_lists_its_problems(data: dict[str, Any]) -> None:
    try:
        criteria = parse_criteria(data)
    except InvalidCriteria as exc:
        assert str(exc).startswith("invalid criteria: ")
    else:
        assert criteria.model_dump(mode="json")


@FAST
@given(st.text(max_size=120))
def test_any_string_normalises_to_a_domain_or_a_clear_refusal(value: str) -> None:
    for normalise in (registrable_domain, company_domain):
        try:
            domain = normalise(value)
        except InvalidDomain as exc:
            assert str(exc)
        else:
            assert domain == domain.lower() and "." in domain and " " not in domain and "/" not in domain


HOSTILE = [
    "<div>" * 20_000 + "deep" + "</div>" * 20_000,  # deeply nested
    "<p>" + "x" * 2_000_000 + "</p>",  # huge
    "\x00\xff\xfe binary \x00" * 5000,  # binary
    b"\xff\xfe\xfd<html>\xc3\x28 invalid utf-8 \xa0\xa1</html>".decode("utf-8", "replace"),  # invalid encodings
    "<html><body><a href='http://[::1'>bad ipv6</a><a href='javascript:alert(1)'>x</a>"
    "<script type='application/ld+json'>{not json</script><a href=\"//\">",
    "<" * 50_000,
    "<table>" + "<tr><td>" * 5000,
]


@pytest.mark.parametrize("html", HOSTILE, ids=["nested", "huge", "binary", "encoding", "broken", "angles", "table"])
def test_hostile_pages_never_break_extraction_or_judgement(html: str) -> None:
    _check_page(html)


@FAST
@given(st.text(max_size=3000))
def test_random_pages_never_break_extraction_or_judgement(html: str) -> None:
    _check_page(html)


def _check_page(html: str) -> None:
    url = "http://www.example.com/about"
    facts = extract(url, html)
    assert isinstance(facts, PageFacts) and len(facts.text) <= 200_000
    result = FetchResult(url=url, final_url=url, ok=True, status=200, text=html, content_hash="x")
    criteria = parse_criteria(
        {"quantity": 3, "state": "TX", "cities": ["Austin"], "pms": ["appfolio"], "units_min": 50}
    )
    judged = judge(criteria, [(result, facts)])
    assert {v.criterion for v in judged.verdicts} >= {"location", "pms", "company_type"}
    assert detect_pms([Page(url=url, final_url=url, html=html, ok=True)]).verdict


ROW_KEYS = ["name", "website", "domain", "city", "state", "pms", "units", "doors_managed", "listing_city",
            "listing_state", "contact_name", "contact_title", "contact_email", "extra"]  # fmt: skip


@FAST
@given(st.dictionaries(st.sampled_from(ROW_KEYS), JSONISH, max_size=8))
def test_any_directory_row_parses_or_gives_its_reason(row: dict[str, Any]) -> None:
    try:
        company, _contact = parse_row(row, "prop")
    except (ValueError, InvalidDomain) as exc:
        assert str(exc)
    else:
        assert company.domain and company.name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)),
    suffix=st.sampled_from([".csv", ".json"]),
)
def test_any_import_file_reads_or_is_refused_clearly(tmp_path: Path, content: bytes, suffix: str) -> None:
    path = tmp_path / f"directory{suffix}"
    path.write_bytes(content)
    try:
        rows = list(read_rows(path))
    except ImportFileError as exc:
        assert str(exc) and str(path) in str(exc)
        return
    for row in rows:
        with contextlib.suppress(ValueError, InvalidDomain):  # a bad row is reported by import_file, not fatal
            parse_row(row, "file")


def test_json_rows_of_every_shape_are_reported_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text(json.dumps([{"name": 5, "website": ["x"]}, "just a string", {"name": "Acme", "units": {"a": 1}}]))
    reasons = []
    for row in read_rows(path):
        try:
            parse_row(row, "file")
        except (ValueError, InvalidDomain) as exc:
            reasons.append(str(exc))
    assert len(reasons) == 3 and all(reasons)
