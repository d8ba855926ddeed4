"""Rendering app shells in headless Chromium through Playwright: the optional ``render`` extra
(``pip install 'leadscout[render]'``). A budget bounds it: pages per site (what reading one company
needs: its home, about, team, contact and portal pages) and seconds per page. Without the extra, or
once a site's budget is spent, a shell stays ``needs_browser``. The budget was once per worker: a
worker that had rendered 20 pages never rendered again, and every later script app lost its
contacts (measured on the wild sandbox: companies replaced for "no named person" on app sites)."""

from __future__ import annotations

import asyncio
import functools
import logging
import shutil
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)
# what a page's text never depends on: not fetched, so the "load" event does not wait for them
# (measured on the sandbox: a stylesheet and a favicon were two of a script app's four requests)
SKIPPED_RESOURCES = frozenset({"image", "stylesheet", "font", "media"})
SITES_KEPT = 10_000  # sites whose render count a renderer remembers (a worker's life)
SCRIPTS_KEPT = 200  # bundles a renderer keeps (a worker's life): a few MB at most


def chromium_path(configured: str | None = None) -> str | None:
    """The Chromium to drive: the configured one, else the system's (Playwright's own download is
    used when this is None)."""
    return configured or shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def available() -> bool:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return False
    return True


class Renderer:
    def __init__(
        self, *, budget: int = 20, seconds: float = 15.0, proxy: str | None = None, executable: str | None = None
    ) -> None:
        self.budget, self.seconds, self.proxy, self.executable = budget, seconds, proxy, executable
        self.rendered = 0
        self._per_site: OrderedDict[str, int] = OrderedDict()  # pages rendered per site, the latest sites
        self._browser: Any = None
        self._playwright: Any = None
        self._pages = asyncio.Semaphore(2)  # pages at once in the one browser: two cores
        self._opening = asyncio.Lock()
        # a site's bundles, fetched once: routing turns the browser's own cache off, and every
        # page of a script app loads the same bundle
        self._scripts: dict[str, tuple[int, dict[str, str], bytes]] = {}

    async def render(self, url: str, shell: str | None = None) -> str | None:
        """The page's DOM after its scripts ran, or None (no budget left, no browser, a failure).
        ``shell``: the page's HTML as already fetched, served to the browser instead of asking the
        site again; the bundles it loads are fetched once per renderer."""
        site = (urlsplit(url).hostname or "").removeprefix("www.")
        if self._per_site.get(site, 0) >= self.budget:
            return None
        self._per_site[site] = self._per_site.get(site, 0) + 1
        self._per_site.move_to_end(site)
        if len(self._per_site) > SITES_KEPT:
            self._per_site.popitem(last=False)
        self.rendered += 1
        async with self._pages:
            try:
                browser = await self._open()
                # the proxy is the page's, not the browser's: Chromium's own traffic (update
                # checks, sign-in) then never goes out through it (measured: 3-5 requests a launch)
                proxy = {"server": self.proxy, "bypass": "127.0.0.1,localhost"} if self.proxy else None
                page = await browser.new_page(proxy=proxy)
                await page.route("**/*", functools.partial(self._only_what_the_text_needs, url, shell))
                page.on("response", self._keep_script)
                try:
                    # "load": the bundles have run; waiting for the network to idle costs half a second a page
                    await page.goto(url, timeout=self.seconds * 1000, wait_until="load")
                    return str(await page.content())
                finally:
                    await page.close()
            except Exception as exc:  # a page the browser cannot show is left unknown, not fatal
                log.info("render of %s failed: %s", url, exc)
                return None

    async def _open(self) -> Any:
        async with self._opening:
            return await self._launched()

    async def _launched(self) -> Any:
        if self._browser is None:
            from playwright.async_api import async_playwright

            self._playwright = await async_playwright().start()
            options: dict[str, Any] = {"headless": True, "args": ["--no-sandbox"]}
            if self.executable:
                options["executable_path"] = self.executable
            self._browser = await self._playwright.chromium.launch(**options)
        return self._browser

    async def _only_what_the_text_needs(self, url: str, shell: str | None, route: Any) -> None:
        request = route.request
        kind = request.resource_type
        if kind in SKIPPED_RESOURCES:
            await route.abort()
        elif shell is not None and kind == "document" and request.url == url:
            await route.fulfill(status=200, content_type="text/html; charset=utf-8", body=shell)
        elif kind == "script" and request.method == "GET":
            await self._script(route, request.url)
        else:
            await route.continue_()

    async def _script(self, route: Any, url: str) -> None:
        if (kept := self._scripts.get(url)) is not None:
            status, headers, body = kept
            await route.fulfill(status=status, headers=headers, body=body)
        else:
            await route.continue_()  # kept by _keep_script when its answer comes

    async def _keep_script(self, response: Any) -> None:
        request = response.request
        if request.resource_type != "script" or not response.ok or request.url in self._scripts:
            return
        try:
            body = await response.body()
        except Exception:  # the page closed first: fetched again next time
            return
        if len(self._scripts) >= SCRIPTS_KEPT:
            self._scripts.clear()
        self._scripts[request.url] = (response.status, response.headers, body)

    async def close(self) -> None:
        if self._browser is not None:
            await self._browser.close()
            await self._playwright.stop()
            self._browser = self._playwright = None
