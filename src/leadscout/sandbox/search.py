"""The sandbox search engine: BM25 over the real text of the world's pages, answering in
SearXNG's JSON format (``/search?q=...&format=json&pageno=N``).

A small BM25 of our own (about 30 lines): the index is built in memory from rendered pages,
and no search library on PyPI is both offline and dependency-free for this size."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from leadscout.sandbox import pages
from leadscout.sandbox.world import BLOG_HOST, FORUM_HOST, World

_TOKEN = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "in",
        "for",
        "to",
        "with",
        "by",
        "on",
        "at",
        "is",
        "are",
        "our",
        "we",
        "your",
        "from",
        "or",
    ]
)
RESULTS_PER_PAGE = 10


def tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower()) if t not in _STOP]


@dataclass
class Doc:
    url: str
    title: str
    text: str
    terms: Counter[str]


def _doc(url: str, html: str) -> Doc:
    tree = LexborHTMLParser(html)
    title = tree.css_first("title")
    for node in tree.css("script, style, nav"):
        node.decompose()
    text = " ".join((tree.body.text(separator=" ") if tree.body else "").split())
    title_text = title.text() if title else url
    return Doc(url, title_text, text, Counter(tokens(f"{title_text} {title_text} {text}")))


class SearchIndex:
    def __init__(self, world: World, k1: float = 1.4, b: float = 0.75) -> None:
        self.docs: list[Doc] = []
        for c in world.companies:
            if c.health in ("dead", "timeout"):
                continue
            for path in ("/", "/about"):
                status, html, _ = pages.company_page(c, path)
                if status == 200:
                    self.docs.append(_doc(f"{c.website.rstrip('/')}{path}", html))
            for person in c.people if c.health == "ok" else []:
                if person.linkedin:  # profiles a web search shows; the only source of LinkedIn URLs
                    title = f"{person.full_name} - {person.title} - {c.name} | LinkedIn"
                    text = f"{person.full_name}. {person.title} at {c.name}. Experience: {c.name}."
                    self.docs.append(Doc(person.linkedin_url, title, text, Counter(tokens(f"{title} {text}"))))
        for url in pages.directory_urls(world):
            host, rest = url.removeprefix("http://").split("/", 1)
            self.docs.append(_doc(url, pages.directory_page(world, host, "/" + rest, 1)[1]))
        for url in pages.blog_paths(world):
            self.docs.append(_doc(url, pages.blog_page(world, url.removeprefix(f"http://{BLOG_HOST}"))[1]))
        for url in pages.forum_paths(world):
            self.docs.append(_doc(url, pages.forum_page(world, url.removeprefix(f"http://{FORUM_HOST}"))[1]))
        self.k1, self.b = k1, b
        self.avg_len = sum(sum(d.terms.values()) for d in self.docs) / max(1, len(self.docs))
        df: Counter[str] = Counter()
        for d in self.docs:
            df.update(d.terms.keys())
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def search(self, query: str, page: int = 1) -> list[tuple[Doc, float]]:
        q = tokens(query)
        scored = []
        for d in self.docs:
            length = sum(d.terms.values())
            score, matched = 0.0, 0
            for t in q:
                tf = d.terms.get(t, 0)
                if tf:
                    matched += 1
                    score += (
                        self.idf[t]
                        * tf
                        * (self.k1 + 1)
                        / (tf + self.k1 * (1 - self.b + self.b * length / self.avg_len))
                    )
            if score > 0:
                # pages that contain every query word first, as web engines do
                scored.append((d, score * (matched / len(q)) ** 2))
        scored.sort(key=lambda pair: (-pair[1], pair[0].url))
        return scored[(page - 1) * RESULTS_PER_PAGE : page * RESULTS_PER_PAGE]

    def snippet(self, doc: Doc, query: str, width: int = 240) -> str:
        """The text around the rarest query word the page contains, as web engines show it (their
        snippets are about the query, not the top of the page)."""
        present = [t for t in tokens(query) if doc.terms.get(t)]
        if not present:
            return doc.text[:width]
        rarest = max(present, key=lambda t: self.idf.get(t, 0.0))
        at = doc.text.lower().find(rarest)
        start = max(0, at - width // 3) if at >= 0 else 0
        return ("..." if start else "") + doc.text[start : start + width]

    def searxng_json(self, query: str, page: int = 1) -> dict[str, object]:
        hits = self.search(query, page)
        return {
            "query": query,
            "number_of_results": len(hits),
            "results": [
                {
                    "url": d.url,
                    "title": d.title,
                    "content": self.snippet(d, query),
                    "engine": "sandbox",
                    "engines": ["sandbox"],
                    "score": round(s, 4),
                    "category": "general",
                }
                for d, s in hits
            ],
            "answers": [],
            "corrections": [],
            "infoboxes": [],
            "suggestions": [],
            "unresponsive_engines": [],
        }
