from __future__ import annotations

import pytest

from leadscout.research.web.botwall import wall
from leadscout.sandbox import wild


@pytest.mark.parametrize("kind", wild.WALLS)
def test_each_wall_of_the_sandbox_is_seen_for_what_it_is(kind: str) -> None:
    status, body, headers = wild.challenge_page(kind)
    assert wall(status, headers, body) == ("challenge" if kind == "js_cookie" else kind)


@pytest.mark.parametrize(
    ("status", "headers", "body", "vendor"),
    [
        (503, {}, "<html><body>Sucuri WebSite Firewall - Access Denied</body></html>", "sucuri"),
        (403, {}, "<iframe src='/_Incapsula_Resource?SWJIYLWA=1'></iframe>", "imperva"),
        (403, {}, "<script>window._pxAppId='PXabc';</script><div id='px-captcha'></div>", "perimeterx"),
        (403, {}, "<form id='challenge-form'><div class='g-recaptcha'></div></form>Are you a robot?", "challenge"),
        (200, {"cf-mitigated": "challenge"}, "<html></html>", "cloudflare"),
    ],
)
def test_vendor_markers_and_challenge_forms(status: int, headers: dict[str, str], body: str, vendor: str) -> None:
    assert wall(status, headers, body) == vendor


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (403, "<html><body><h1>Forbidden</h1><p>You don't have permission to access this resource.</p></body></html>"),
        (503, "<h1>503 Service Unavailable</h1>"),
        (200, "<html><body><div id='root'></div><script src='/static/js/main.3f2a.js'></script></body></html>"),
        (200, "<html><body><p>We manage 300 homes.</p><script>var x=1</script></body></html>"),
        (
            200,
            "<html><body><p>Read how Cloudflare's captcha and DataDome compare for property sites. "
            + "Our blog covers web security for landlords in depth, with examples. " * 5
            + "</p></body></html>",
        ),
    ],
)
def test_a_site_of_its_own_is_no_wall(status: int, body: str) -> None:
    assert wall(status, {}, body) is None
