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
from leadscout.research.vendors import vendors


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


def classify_url(url: str) -> LinkMatch | None:
    """The vendor and tier a link URL proves, or None. Never raises."""
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


class PmsDetection(BaseModel):
    """``labels`` when anything matched; else ``none`` (clean pages, no match) or ``unknown``."""

    labels: list[PmsLabel] = Field(default_factory=list)
    verdict: str  # detected | none | unknown(<reason>)

    def best(self, minimum: Tier = Tier.STRONG) -> list[PmsLabel]:
        allowed = _ORDER[: _ORDER.index(minimum) + 1]
        return [label for label in self.labels if label.tier in allowed]


def _snippet(text: str, limit: int = 300) -> str:
    return " ".join(text.split())[:limit]


def _matches_in_page(page: Page) -> list[tuple[LinkMatch, str]]:
    found: list[tuple[LinkMatch, str]] = []
    base = page.final_url or page.url
    if page.final_url and page.final_url != page.url and (m := classify_url(page.final_url)):
        found.append((m, f"{page.url} redirects to {page.final_url}"))
    if not page.html:
        return found
    tree = HTMLParser(page.html)
    for selector, attr in (
        ("a", "href"),
        ("iframe", "src"),
        ("form", "action"),
        ("link", "href"),
        ("script", "src"),
        ("area", "href"),
    ):
        for node in tree.css(f"{selector}[{attr}]"):
            raw = (node.attributes.get(attr) or "").strip()
            if not raw or raw.startswith(("#", "mailto:", "tel:", "javascript:")):
                continue
            try:
                m = classify_url(urljoin(base, raw))
            except ValueError:  # a malformed link is skipped, never fatal
                continue
            if m is None:
                continue
            if selector == "script" and m.tier == Tier.STRONG:
                m = m.model_copy(update={"tier": Tier.MEDIUM})  # a script is a widget, not a portal
            label = _snippet(node.text() or "") or selector
            found.append((m, f'<{selector} {attr}="{raw[:200]}"> {label}'))
    for node in tree.css("meta[http-equiv]"):
        if (node.attributes.get("http-equiv") or "").lower() == "refresh":
            content = node.attributes.get("content") or ""
            target = content.split("url=", 1)[-1].strip(" '\"") if "url=" in content.lower() else ""
            try:
                m = classify_url(urljoin(base, target)) if target else None
            except ValueError:
                m = None
            if m is not None:
                found.append((m, f"meta refresh to {target[:200]}"))
    found.extend(_script_and_text_matches(tree))
    return found


def _script_and_text_matches(tree: HTMLParser) -> list[tuple[LinkMatch, str]]:
    found: list[tuple[LinkMatch, str]] = []
    classes = " ".join(n.attributes.get("class") or "" for n in tree.css("[class]")).lower()
    inline = " ".join(n.text() or "" for n in tree.css("script:not([src])")).lower()
    for node in tree.css("script, style, noscript"):
        node.decompose()
    body = tree.body.text(separator=" ") if tree.body else ""
    text = " ".join(body.split()).lower()
    for rules in _rules():
        for pattern in rules.scripts:
            hit = pattern.search(classes) or pattern.search(inline)
            if hit:
                found.append(
                    (
                        LinkMatch(url="", vendor=rules.vendor, tier=Tier.MEDIUM, rule=pattern.pattern),
                        f"page code contains {hit.group(0)!r}",
                    )
                )
        for pattern in rules.text:
            if hit := pattern.search(text):
                start = max(0, hit.start() - 80)
                found.append(
                    (
                        LinkMatch(url="", vendor=rules.vendor, tier=Tier.WEAK, rule=pattern.pattern),
                        text[start : hit.end() + 80],
                    )
                )
    return found


def detect_pms(pages: list[Page]) -> PmsDetection:
    """Multi-label detection over the pages fetched for one company. Never raises."""
    best: dict[str, PmsLabel] = {}
    for page in pages:
        if not page.ok:
            continue
        for match, snippet in _matches_in_page(page):
            evidence = Evidence(
                url=page.final_url or page.url,
                quote=_snippet(snippet),
                source="pms_fingerprint",
                fetched_at=page.fetched_at,
                content_hash=page.content_hash,
            )
            current = best.get(match.vendor)
            if current is None or _ORDER.index(match.tier) < _ORDER.index(current.tier):
                best[match.vendor] = PmsLabel(
                    vendor=match.vendor, tier=match.tier, confidence=CONFIDENCE[match.tier], evidence=[evidence]
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
