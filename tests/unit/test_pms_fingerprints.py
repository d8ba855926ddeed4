"""PMS fingerprints: the link classifier on real portal labels, and the page detector."""

from __future__ import annotations

import collections
import csv
import json
import subprocess
import sys

import pytest

from leadscout.research.read.pms import Page, Tier, classify_url, detect_pms
from tests.conftest import shared_data


def test_real_strong_portal_hosts_classify_as_their_vendor() -> None:
    labels = shared_data("pm_portal_labels.csv")
    per_vendor: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    with labels.open() as handle:
        for row in csv.DictReader(handle):
            if row["evidence_strength"] != "strong":
                continue
            match = classify_url(f"https://{row['pms_portal_host']}/")
            per_vendor[row["pms"]][0] += int(match is not None and match.vendor == row["pms"])
            per_vendor[row["pms"]][1] += 1
    report = {vendor: round(ok / n, 4) for vendor, (ok, n) in per_vendor.items()}
    print("\nper-vendor accuracy on strong real labels:", report)
    assert sum(n for _, n in per_vendor.values()) == 1556
    assert all(acc >= 0.99 for acc in report.values()), report


@pytest.mark.parametrize(
    ("url", "vendor", "tier"),
    [
        ("https://acme.appfolio.com/connect", "appfolio", Tier.STRONG),
        ("https://www.appfolio.com/blog/post", "appfolio", Tier.WEAK),
        ("https://acme.managebuilding.com/Resident/portal/login", "buildium", Tier.STRONG),
        ("https://signin.managebuilding.com/manager", "buildium", Tier.WEAK),
        ("https://krc.twa.rentmanager.com/", "rentmanager", Tier.STRONG),
        ("https://cdn.rentmanager.com/x.js", "rentmanager", Tier.WEAK),
        ("https://app.propertyware.com/pw/portals/acme/tenant.action", "propertyware", Tier.STRONG),
        ("https://app.propertyware.com/", "propertyware", Tier.WEAK),
        ("https://acmeliving.securecafe.com/residentservices/", "yardi", Tier.STRONG),
        ("https://cdngeneralcf.rentcafe.com/img.png", "yardi", Tier.WEAK),
        ("https://123456.onlineleasing.realpage.com/", "realpage", Tier.STRONG),
        ("https://oakpm.myresman.com/Portal/Access/SignIn", "resman", Tier.STRONG),
        ("https://oak.rentvine.com/portals/resident", "rentvine", Tier.STRONG),
        ("https://oak.app.doorloop.com/", "doorloop", Tier.STRONG),
        ("https://oak.tenantcloud.com/", "tenantcloud", Tier.STRONG),
        ("https://oak.rentecdirect.com/", "rentecdirect", Tier.STRONG),
        ("https://oak.entrata.com/", "entrata", Tier.STRONG),
    ],
)
def test_link_tiers(url: str, vendor: str, tier: Tier) -> None:
    match = classify_url(url)
    assert match is not None and (match.vendor, match.tier) == (vendor, tier)


@pytest.mark.parametrize("junk", ["", "https://", "not a url at all", "http://[::1", "https://example.com/appfolio"])
def test_classifier_never_raises_and_ignores_non_vendor_links(junk: str) -> None:
    assert classify_url(junk) is None


def test_powered_by_marketing_link_is_weak_but_a_portal_link_is_strong() -> None:
    marketing = Page(
        url="http://oak-pm.com/", html='<footer>Powered by <a href="https://www.appfolio.com/">AppFolio</a></footer>'
    )
    got = detect_pms([marketing])
    assert [(lab.vendor, lab.tier) for lab in got.labels] == [("appfolio", Tier.WEAK)]
    assert got.best(Tier.STRONG) == []
    portal = Page(
        url="http://oak-pm.com/residents", html='<a class="btn" href="https://oakpm.appfolio.com/connect">Pay rent</a>'
    )
    got = detect_pms([marketing, portal])
    assert [(lab.vendor, lab.tier) for lab in got.labels] == [("appfolio", Tier.STRONG)]
    assert got.labels[0].evidence[0].url == "http://oak-pm.com/residents"
    assert "oakpm.appfolio.com" in got.labels[0].evidence[0].quote


def test_multi_label_iframe_and_redirect() -> None:
    pages = [
        Page(
            url="http://oak-pm.com/pay", html='<iframe src="https://oak.managebuilding.com/Resident/portal"></iframe>'
        ),
        Page(url="http://oak-pm.com/owners", final_url="https://oak.rentvine.com/portals/owner", html=""),
    ]
    got = detect_pms(pages)
    assert {(lab.vendor, lab.tier) for lab in got.labels} == {("buildium", Tier.STRONG), ("rentvine", Tier.STRONG)}


def test_none_only_after_clean_fetches_else_unknown() -> None:
    clean = [
        Page(url="http://oak-pm.com/", html="<p>We manage homes.</p>"),
        Page(url="http://oak-pm.com/residents", html="<p>Call us.</p>"),
    ]
    assert detect_pms(clean).verdict == "none"
    broken = [*clean, Page(url="http://oak-pm.com/owners", ok=False, error="timeout")]
    assert detect_pms(broken).verdict == "unknown(timeout)"
    assert detect_pms([]).verdict == "unknown(no pages fetched)"


def test_hostile_html_does_not_crash() -> None:
    nested = "<div>" * 5000 + "x" + "</div>" * 5000
    for html in (nested, "\x00\xff<a href=", "<a href='https://acme.appfolio.com/'>" * 2000, "<<<>>>"):
        detect_pms([Page(url="http://x.com/", html=html)])


def test_cli_classify_json() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "leadscout",
            "pms",
            "classify",
            "https://oak.appfolio.com/",
            "https://example.com/",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"url": "https://oak.appfolio.com/", "vendor": "appfolio", "tier": "strong"},
        {"url": "https://example.com/", "vendor": None, "tier": None},
    ]
