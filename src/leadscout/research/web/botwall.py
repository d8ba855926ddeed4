"""Bot walls: a challenge page is not the company's site.

A page is a wall when its own markers say so, in tiers (after what Crawl4AI and Crawlee document;
the markers are the vendors' own):

* a header: Cloudflare's ``cf-mitigated: challenge``;
* a vendor marker in the body, whatever the status: Cloudflare's challenge platform and "Just a
  moment...", Akamai's "Pardon Our Interruption" and "Reference #" pages, Sucuri's firewall,
  Imperva's Incapsula resources, PerimeterX's ``_pxAppId``, DataDome's ``captcha-delivery.com``;
* a 403 or 503 whose body is a challenge: a captcha or challenge form or script and almost no text;
* a tiny 200 that is only a script (a JS challenge that sets a cookie and reloads).

Such a page is no evidence of anything: the fetcher asks once more, politely, then reports
``bot_protection`` and leaves the host alone for the rest of its work.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("cloudflare", re.compile(r"/cdn-cgi/challenge-platform|__cf_chl_|<title>\s*just a moment|"
                              r"attention required!\s*\|\s*cloudflare|cf-browser-verification", re.I)),
    ("akamai", re.compile(r"pardon our interruption|reference\s*#\d+\.[0-9a-f]+\.\d+\.[0-9a-f]+", re.I)),
    ("sucuri", re.compile(r"sucuri website firewall|access denied - sucuri|sucuri_cloudproxy", re.I)),
    ("imperva", re.compile(r"_incapsula_resource|incapsula incident id", re.I)),
    ("perimeterx", re.compile(r"window\._pxappid|px-captcha|perimeterx", re.I)),
    ("datadome", re.compile(r"captcha-delivery\.com|datadome", re.I)),
]  # fmt: skip
_CHALLENGE = re.compile(r"captcha|challenge|verify (?:you are|that you are) (?:a )?human|are you a robot|"
                        r"enable javascript and cookies", re.IGNORECASE)  # fmt: skip
TINY_TEXT = 200  # characters of visible text below which a 403/503 with a challenge is a wall
TINY_PAGE = 2_000  # bytes below which a 200 that is only a script is a JS challenge


def wall(status: int, headers: dict[str, str], body: str) -> str | None:
    """The wall's vendor ("cloudflare", "akamai", ..., or "challenge" when no vendor says its
    name), or None for a page that is the site's own."""
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return "cloudflare"
    head = body[:100_000]
    for vendor, marker in _MARKERS:
        if marker.search(head) and (status in (403, 429, 503) or len(_visible(head)) < TINY_TEXT):
            return vendor
    if status in (403, 503) and _CHALLENGE.search(head) and len(_visible(head)) < TINY_TEXT:
        return "challenge"
    if status == 200 and len(body) < TINY_PAGE and _only_inline_script(head):
        return "challenge"
    return None


def _only_inline_script(html: str) -> bool:
    """No text, no mount point of an app, no script bundle: a script that only sets a cookie and
    reloads. (An app shell has its root element and its bundles: that is a page for a browser.)"""
    tree = LexborHTMLParser(html)
    scripts = tree.css("script")
    if not scripts or any(s.attributes.get("src") for s in scripts):
        return False
    if tree.css_first("#root, #app, #__next, #__nuxt, [data-reactroot], app-root"):
        return False
    return not _visible(html)


def _visible(html: str) -> str:
    tree = LexborHTMLParser(html)
    for node in tree.css("script, style, noscript, title"):
        node.decompose()
    body = tree.body
    return " ".join((body.text(separator=" ") if body else "").split())
