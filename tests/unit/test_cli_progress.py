"""The CLI's batch progress lines (the seed's format) when a batch replaces a delivered company
that came up short of contacts: the target is reached, and one more company is found for it."""

from __future__ import annotations

from leadscout.cli.runs import _progress


def test_progress_never_shows_more_companies_than_wanted() -> None:
    assert _progress(20, 25) == "  Progress: 20/25 companies"
    # 25 delivered, then a replacement batch finds 1: the run still holds 25, not 26
    assert _progress(26, 25) == "  Progress: 25/25 companies"
