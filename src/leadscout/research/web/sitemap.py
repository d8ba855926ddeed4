"""The pages a site lists in its ``sitemap.xml``: what a crawler opens when the links say nothing
(icon menus, script-routed navigation). Parsed by ultimate-sitemap-parser; fetched by our own
fetcher (robots, politeness, the sandbox proxy), one index level deep."""

from __future__ import annotations

import logging
from urllib.parse import urljoin, urlsplit

from usp.fetch_parse import SitemapStrParser
from usp.objects.sitemap import AbstractIndexSitemap, AbstractSitemap

from leadscout.research.web.fetch import Fetcher

log = logging.getLogger(__name__)
logging.getLogger("usp").setLevel(logging.CRITICAL)  # it logs a site's broken sitemap as its own error
MAX_CHILDREN = 3  # sitemaps of an index read (page sitemaps first: posts and products say little)
MAX_URLS = 200


async def sitemap_links(fetcher: Fetcher, site_url: str) -> list[tuple[str, str]]:
    """(url, words of its path) for each same-site page the sitemap lists; [] when there is none."""
    host = (urlsplit(site_url).hostname or "").removeprefix("www.")
    root = await _parsed(fetcher, urljoin(site_url, "/sitemap.xml"))
    if root is None:
        return []
    maps = [root]
    if isinstance(root, AbstractIndexSitemap):
        children = sorted((s.url for s in root.sub_sitemaps), key=lambda url: "page" not in url)[:MAX_CHILDREN]
        maps = [m for url in children if (m := await _parsed(fetcher, url)) is not None]
    links: dict[str, str] = {}
    for sitemap in maps:
        for page in sitemap.all_pages():
            parts = urlsplit(page.url)
            if (parts.hostname or "").removeprefix("www.") == host and len(links) < MAX_URLS:
                links.setdefault(page.url, " ".join(parts.path.replace("-", " ").replace("_", " ").split("/")).strip())
    return list(links.items())


async def _parsed(fetcher: Fetcher, url: str) -> AbstractSitemap | None:
    result = await fetcher.fetch(url)
    head = result.text[:2000].lower()
    if not result.ok or ("<urlset" not in head and "<sitemapindex" not in head):
        return None  # an HTML page served for a missing sitemap, a soft 404: no sitemap
    try:
        return SitemapStrParser(result.text).sitemap()
    except Exception as exc:  # a broken sitemap is no sitemap: the crawl goes on without it
        log.info("sitemap %s not read: %s", url, exc)
        return None
