"""PMS detection from portal fingerprints (data: ``data/pms_vendors.json``).

Evidence tiers, strongest first: a per-company tenant/owner portal host or URL (strong), a
vendor script, widget or shared login host (medium), the vendor's marketing host or its name
in text, e.g. "Powered by AppFolio" (weak). Output is multi-label, each label with its best
tier, a confidence and evidence (the page URL and the matched snippet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, Field
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from leadscout.models import Evidence
from leadscout.research.read.page import sentences
from leadscout.vendors import vendor_domains, vendors


class Tier(StrEnum):
    STRONG = "strong"
    MEDIUM = "medium"
    WEAK = "weak"


CONFIDENCE = {Tier.STRONG: 0.95, Tier.MEDIUM: 0.7, Tier.WEAK: 0.3}
_ORDER = (Tier.STRONG, Tier.MEDIUM, Tier.WEAK)


class LinkMatch(BaseModel):
    url: str
    vendor: str
    tier: Tier
    rule: str


@dataclass(frozen=True)
class _Rules:
    vendor: str
    tier: Tier
    hosts: tuple[re.Pattern[str], ...]
    urls: tuple[re.Pattern[str], ...]
    scripts: tuple[re.Pattern[str], ...]
    text: tuple[re.Pattern[str], ...]


@cache
def _rules() -> tuple[_Rules, ...]:
    out = []
    for tier in _ORDER:  # every vendor's strong rules before any medium rule, and so on
        for vendor in vendors():
            spec = getattr(vendor.fingerprints, tier.value)
            out.append(
                _Rules(
                    vendor.slug,
                    tier,
                    *(
                        tuple(re.compile(p) for p in getattr(spec, kind))
                        for kind in ("hosts", "urls", "scripts", "text")
                    ),
                )
            )
    return tuple(out)


# a vendor's own service hosts (help centres, docs, status pages): never one company's portal
_SERVICE_LABELS = frozenset(
    re.findall(
        r"\w+",
        "support help docs doc kb knowledge community academy developer developers api cdn static assets blog news "
        "careers jobs status learn go get info marketing partners press events university training",
    )
)


def classify_url(url: str) -> LinkMatch | None:
    """The vendor and tier a link URL proves, or None. Never raises."""
    match = _classify(url)
    if match is not None and match.tier == Tier.STRONG:
        host = (urlsplit(url if "://" in url else f"https://{url}").hostname or "").lower()
        if host.split(".")[0] in _SERVICE_LABELS:
            return match.model_copy(update={"tier": Tier.WEAK, "rule": "vendor service host"})
    return match


def _classify(url: str) -> LinkMatch | None:
    try:
        parts = urlsplit(url.strip() if "://" in url else f"https://{url.strip()}")
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return None
    if not host:
        return None
    full = url.strip().lower()
    for rules in _rules():
        for pattern in rules.urls:
            if pattern.search(full):
                return LinkMatch(url=url, vendor=rules.vendor, tier=rules.tier, rule=pattern.pattern)
        for pattern in rules.hosts:
            if pattern.search(host):
                return LinkMatch(url=url, vendor=rules.vendor, tier=rules.tier, rule=pattern.pattern)
    return None


class Page(BaseModel):
    """A fetched page, as the detector needs it."""

    url: str
    final_url: str | None = None  # after redirects
    html: str = ""
    ok: bool = True
    error: str | None = None
    fetched_at: datetime | None = None
    content_hash: str | None = None


class PmsLabel(BaseModel):
    vendor: str
    tier: Tier
    confidence: float
    evidence: list[Evidence] = Field(default_factory=list)
    portal_url: str | None = None  # the portal (or vendor) URL that proves it, when a link did


class PmsDetection(BaseModel):
    """``labels`` when anything matched; else ``none`` (clean pages, no match) or ``unknown``."""

    labels: list[PmsLabel] = Field(default_factory=list)
    verdict: str  # detected | none | unknown(<reason>)

    def best(self, minimum: Tier = Tier.STRONG) -> list[PmsLabel]:
        allowed = _ORDER[: _ORDER.index(minimum) + 1]
        return [label for label in self.labels if label.tier in allowed]


def _snippet(text: str, limit: int = 300) -> str:
    return " ".join(text.split())[:limit]


_URL_ATTRS = ("href", "src", "action", "formaction", "data", "data-href", "data-url", "data-link", "data-src",
              "data-portal", "data-target", "value")  # fmt: skip
_ABSOLUTE_URL = re.compile(r"https?:\\?/\\?/[^\s\"'<>()\\]{3,300}", re.IGNORECASE)
_JS_TARGET = re.compile(
    r"(?:location(?:\.href)?\s*=|location\.(?:assign|replace)\(|window\.open\()\s*['\"`]([^'\"`]{1,300})['\"`]"
)
_HOST_IN_TEXT = re.compile(r"\b(?:https?://)?((?:[a-z0-9\[\]-]+\.)+(?:com|io|net)(?:/[^\s,;)\"']*)?)", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"your|account|name|company|\[|\]", re.IGNORECASE)


def _matches_in_page(page: Page) -> list[tuple[LinkMatch, str]]:
    found: list[tuple[LinkMatch, str]] = []
    base = page.final_url or page.url
    if page.final_url and page.final_url != page.url and (m := classify_url(page.final_url)):
        found.append((m, f"{page.url} redirects to {page.final_url}"))
    elif (m := classify_url(base)) is not None and m.tier == Tier.STRONG:
        found.append((m, f"the page itself is a portal: {base}"))  # a company's vendor-hosted resident site
    if not page.html:
        return found
    tree = HTMLParser(page.html)
    found.extend(_attribute_matches(tree, base))
    found.extend(_inline_script_matches(tree, base))
    found.extend(_script_and_text_matches(tree, own_page=not _vendor_page(base)))
    return found


def _targets(tag: str, attr: str, value: str, attrs: dict[str, str | None]) -> list[str]:
    if attr == "onclick":
        return _JS_TARGET.findall(value)
    if attr == "content" and tag == "meta":
        refresh = (attrs.get("http-equiv") or "").lower() == "refresh"
        if refresh and "url" in value.lower():
            return [re.split(r"url\s*=", value, flags=re.IGNORECASE)[-1].strip(" '\"")]
        return []
    if attr in _URL_ATTRS and not value.startswith(("#", "mailto:", "tel:", "javascript:")):
        return [value]
    return []


def _attribute_matches(tree: HTMLParser, base: str) -> list[tuple[LinkMatch, str]]:
    """Every URL-bearing attribute of every element (links, forms, frames, scripts, ``data-*``,
    ``onclick``), and ``<meta http-equiv=refresh>``."""
    found: list[tuple[LinkMatch, str]] = []
    for node in tree.css("*"):
        attrs = node.attributes
        tag = node.tag or ""
        for attr, raw in (attrs or {}).items():
            for target in _targets(tag, attr, (raw or "").strip(), attrs):
                try:
                    m = classify_url(urljoin(base, target))
                except ValueError:  # a malformed link is skipped, never fatal
                    continue
                if m is None:
                    continue
                if tag == "script" and m.tier == Tier.STRONG:
                    m = m.model_copy(update={"tier": Tier.MEDIUM})  # a script is a widget, not a portal
                label = _snippet(node.text() or "") if tag in ("a", "button", "area") else ""
                found.append((m, f'<{tag} {attr}="{target[:200]}"> {label}'.strip()))
    return found


def _inline_script_matches(tree: HTMLParser, base: str) -> list[tuple[LinkMatch, str]]:
    """Portal URLs written in a page's own code: ``const PORTAL_URL = "https://acme.appfolio.com"``,
    ``window.location = '...'``, JSON configuration."""
    found: list[tuple[LinkMatch, str]] = []
    for node in tree.css("script:not([src])"):
        code = (node.text() or "")[:200_000]
        targets = [u.replace("\\/", "/") for u in _ABSOLUTE_URL.findall(code)] + _JS_TARGET.findall(code)
        for target in dict.fromkeys(targets):
            try:
                m = classify_url(urljoin(base, target))
            except ValueError:
                continue
            if m is not None:
                found.append((m, f"page code links {target[:200]}"))
    return found


def _vendor_page(url: str) -> bool:
    """A vendor's own site (marketing, help, docs): what it says about portals is not a company's."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in vendor_domains())


def _script_and_text_matches(tree: HTMLParser, *, own_page: bool = True) -> list[tuple[LinkMatch, str]]:
    found: list[tuple[LinkMatch, str]] = []
    classes = " ".join(n.attributes.get("class") or "" for n in tree.css("[class]")).lower()
    inline = " ".join(n.text() or "" for n in tree.css("script:not([src])")).lower()
    for node in tree.css("script, style, noscript"):
        node.decompose()
    body = tree.body.text(separator=" ") if tree.body else ""
    text = " ".join(body.split())
    lower = text.lower()
    for rules in _rules():
        for pattern in rules.scripts:
            hit = pattern.search(classes) or pattern.search(inline)
            if hit:
                match = LinkMatch(url="", vendor=rules.vendor, tier=Tier.MEDIUM, rule=pattern.pattern)
                found.append((match, f"page code contains {hit.group(0)!r}"))
        for pattern in rules.text:
            if hit := pattern.search(lower):
                start = max(0, hit.start() - 80)
                match = LinkMatch(url="", vendor=rules.vendor, tier=Tier.WEAK, rule=pattern.pattern)
                found.append((match, lower[start : hit.end() + 80]))
    if own_page:
        found.extend(_hosts_in_text(text))
        found.extend(portal_mentions(text))
    return found


def _hosts_in_text(text: str) -> list[tuple[LinkMatch, str]]:
    """ "Log in at acme.appfolio.com": a portal host written out as text."""
    found = []
    for m in _HOST_IN_TEXT.finditer(text):
        host_and_path = m.group(1)
        match = classify_url(re.sub(r"[\[\]]", "", host_and_path))
        if match is None:
            continue
        if match.tier == Tier.STRONG and _PLACEHOLDER.search(host_and_path.split(".")[0]):
            match = match.model_copy(update={"tier": Tier.MEDIUM})  # "[your-account].appfolio.com": instructions
        start = max(0, m.start() - 80)
        found.append((match, text[start : m.end() + 80]))
    return found


_PORTAL_WORDS = (
    r"(?:online\s+|resident\s+|owner\s+|owners\s+|tenant\s+|rental\s+)?"
    r"(?:portals?|resident\s+center|owner\s+center|app|account|login|log\s*in)"
)
_COMPARISON = re.compile(
    r"\b(?:best|top\s+\d+|compare[ds]?|comparison|vs\.?|versus|review|reviews|ranked|alternatives?|pricing|"
    r"features|software\s+(?:for|like))\b",
    re.IGNORECASE,
)
_THIRD_PARTY = re.compile(r"\byour\s+property\s+manage(?:r|ment)(?:'s|’s)?\b", re.IGNORECASE)


@cache
def _mention_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for vendor in vendors():
        names = sorted({vendor.name, *vendor.aliases, vendor.name.split(" / ")[-1]}, key=len, reverse=True)
        alternation = "|".join(re.escape(n).replace(r"\ ", r"\s*") for n in names if len(n) > 3)
        out.append((vendor.slug, re.compile(rf"\b(?:{alternation})(?:'s|’s)?\s+{_PORTAL_WORDS}\b", re.IGNORECASE)))
    return tuple(out)


def portal_mentions(text: str) -> list[tuple[LinkMatch, str]]:
    """A company's own page naming its portal: "The AppFolio Online Portal", "your Rentvine owner
    portal", "verify your Rent Café account": medium evidence (a link would be strong). A sentence
    comparing vendors or written for another company's customers says nothing about this one."""
    found = []
    for sentence in sentences(text):
        if _COMPARISON.search(sentence) or _THIRD_PARTY.search(sentence):
            continue
        normal = sentence.replace("é", "e").replace("É", "E")
        hits = {slug for slug, pattern in _mention_patterns() if pattern.search(normal)}
        if len(hits) != 1:
            continue  # none, or several vendors side by side: a comparison
        match = LinkMatch(url="", vendor=hits.pop(), tier=Tier.MEDIUM, rule="portal mention")
        found.append((match, sentence[:300]))
    return found


def detect_pms(pages: list[Page]) -> PmsDetection:
    """Multi-label detection over the pages fetched for one company. Never raises."""
    best: dict[str, PmsLabel] = {}
    for page in pages:
        if not page.ok:
            continue
        for match, snippet in _matches_in_page(page):
            final = page.final_url or page.url
            evidence = Evidence(
                url=final,
                quote=_snippet(snippet),
                source="pms_fingerprint",
                fetched_at=page.fetched_at,
                content_hash=page.content_hash,
                origin=page.url if page.url and page.url != final else None,  # the site's link that redirected
            )
            current = best.get(match.vendor)
            if current is None or _ORDER.index(match.tier) < _ORDER.index(current.tier):
                best[match.vendor] = PmsLabel(
                    vendor=match.vendor,
                    tier=match.tier,
                    confidence=CONFIDENCE[match.tier],
                    evidence=[evidence],
                    portal_url=match.url or None,
                )
            elif match.tier == current.tier and len(current.evidence) < 3:
                current.evidence.append(evidence)
    labels = sorted(best.values(), key=lambda lab: (_ORDER.index(lab.tier), lab.vendor))
    if labels:
        return PmsDetection(labels=labels, verdict="detected")
    if pages and all(p.ok for p in pages):
        return PmsDetection(verdict="none")
    reasons = sorted({p.error or "fetch failed" for p in pages if not p.ok}) or ["no pages fetched"]
    return PmsDetection(verdict=f"unknown({', '.join(reasons)})")
