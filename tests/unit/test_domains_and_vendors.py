import pytest

from leadscout import vendors
from leadscout.domains import InvalidDomain, company_domain, is_vendor_host, registrable_domain
from tests.conftest import shared_data


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://www.Acme-PM.com/about?x=1", "acme-pm.com"),
        ("acme-pm.com", "acme-pm.com"),
        ("http://portal.acme.co.uk:8080/", "acme.co.uk"),
        ("WWW.EXAMPLE.ORG.", "example.org"),
    ],
)
def test_registrable_domain(value: str, expected: str) -> None:
    assert registrable_domain(value) == expected


@pytest.mark.parametrize(
    "portal",
    [
        "acme.appfolio.com",
        "https://acme.managebuilding.com/Resident/portal",
        "foo.rentcafe.com",
        "x.securecafe.com",
        "abc.rentmanager.com",
    ],
)
def test_pms_portal_host_is_never_a_company_domain(portal: str) -> None:
    assert is_vendor_host(portal)
    with pytest.raises(InvalidDomain, match="PMS vendor host"):
        company_domain(portal)


@pytest.mark.parametrize("bad", ["", "   ", "localhost", "http://", "no spaces.com x"])
def test_invalid_domains_raise_a_clear_error(bad: str) -> None:
    with pytest.raises(InvalidDomain):
        company_domain(bad)


def test_vendor_aliases_resolve_to_slugs() -> None:
    assert vendors.resolve("AppFolio") == "appfolio"
    assert vendors.resolve("Rent Manager") == "rentmanager"
    assert vendors.resolve("RentCafe") == "yardi"
    assert vendors.resolve("none") == "none"
    assert vendors.resolve("frobnicator") is None
    assert len(vendors.vendors()) >= 12


def test_real_directory_websites_normalise_to_their_domains() -> None:
    import csv

    path = shared_data("pm_companies_directory.csv")
    rows = list(csv.DictReader(path.open()))
    exact = portals = 0
    for row in rows:
        if is_vendor_host(row["website"]):
            portals += 1  # a truncated website (appfolio.com, x.managebuilding.com): rejected, never a company
            with pytest.raises(InvalidDomain):
                company_domain(row["website"])
            continue
        got = company_domain(row["website"])
        assert got == registrable_domain(row["domain"]), row
        exact += got == row["domain"].lower()
    assert portals == 9
    # the rest differ only where the listing kept a franchise sub-site (sacramento.purepm.co -> purepm.co)
    assert exact >= len(rows) - portals - 5
    assert registrable_domain("https://willinghamrealty.wixsite.com") == "willinghamrealty.wixsite.com"
