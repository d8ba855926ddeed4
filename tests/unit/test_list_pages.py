"""What discovery decides about list pages before reading further: the next numbered page, and
which unread directory profiles repeat a company the run already has."""

from __future__ import annotations

from leadscout.pipeline.web_source import Listing, Sighting, following_page, is_profile_key, repeated_profiles


def test_the_page_after_a_numbered_list_page() -> None:
    assert following_page("https://dir.example/tx/austin/?page=2") == "https://dir.example/tx/austin/?page=3"
    assert (
        following_page("https://dir.example/tx/austin/?sort=name&p=9")
        == "https://dir.example/tx/austin/?sort=name&p=10"
    )
    assert following_page("https://blog.example/managers/page/3/") == "https://blog.example/managers/page/4/"
    assert following_page("https://dir.example/tx/austin/") is None
    assert following_page("https://dir.example/tx/austin/?page=last") is None


def _profile(name: str, city: str, seq: int, host: str = "dir.example") -> Sighting:
    slug = name.lower().replace(" ", "-")
    url = f"https://{host}/company/{slug}"
    return Sighting(url, name, f"list:{host}", seq, Listing("https://dir.example/tx/austin/", f"{name} {city}"), True)


def test_a_profile_of_a_company_already_seen_is_not_read() -> None:
    direct = Sighting("https://acme-pm.com/", "Acme Property Management", "list:hub", 5,
                      Listing("https://hub.example/", "Acme Property Management Austin, TX"))  # fmt: skip
    again = _profile("Acme Property Management", "Austin, TX", 1)
    other_city = _profile("Acme Property Management", "Dallas, TX", 2, host="other.example")
    twice = [_profile("Birch Rentals", "Austin, TX", 3), _profile("Birch Rentals", "Austin, TX", 4, host="b.example")]
    known = {("summit realty", "austin, tx"): "summitrealty.com"}
    summit = _profile("Summit Realty", "Austin, TX", 6)
    repeated = repeated_profiles([direct, again, other_city, *twice, summit], known)
    # the company's own site wins over its profile, the first profile over a later one, the run's
    # candidate over any new sighting; a namesake listed in another city is another company
    assert set(repeated) == {again, twice[1], summit}
    assert "acme-pm.com" in repeated[again] and "summitrealty.com" in repeated[summit]
    assert is_profile_key(again.key) and not is_profile_key(direct.key)
