"""The render budget is per site: a worker that has rendered many sites still renders the next one
(it was once per worker, and a long-lived worker stopped rendering for good)."""

from __future__ import annotations

from typing import Any

from leadscout.research.web.render import Renderer


class _Page:
    def __init__(self, url: str) -> None:
        self.url = url

    async def route(self, *_: Any) -> None:
        return None

    def on(self, *_: Any) -> None:
        return None

    async def goto(self, url: str, **_: Any) -> None:
        self.url = url

    async def content(self) -> str:
        return f"<html><body>{self.url}</body></html>"

    async def close(self) -> None:
        return None


class _Browser:
    """Chromium's part at the edge: pages that show their own URL."""

    async def new_page(self, **_: Any) -> _Page:
        return _Page("")


async def test_each_site_has_its_own_budget() -> None:
    renderer = Renderer(budget=2)
    renderer._browser = _Browser()
    sites = [f"http://www.site{i}.com" for i in range(30)]
    rendered = [await renderer.render(f"{site}/team") for site in sites]
    assert all(dom is not None and "/team" in dom for dom in rendered)  # 30 sites > any per-worker budget
    assert await renderer.render("http://www.site0.com/about") is not None  # its second page
    assert await renderer.render("http://site0.com/contact") is None  # its third: the budget is spent
    assert await renderer.render("http://www.site1.com/about") is not None
    assert renderer.rendered == 32
