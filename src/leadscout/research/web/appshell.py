"""Pages that need a browser: a JS app's shell carries no content of its own.

A page is an app shell when its visible text is almost nothing and it has what apps are built of:
a root mount element (``#root``, ``#app``, ``#__next``, ``#__nuxt``, ``app-root``) or a
``noscript`` asking for JavaScript, and script bundles it loads (``<script src>``). Crawl4AI's
structural check and Crawlee's adaptive crawler look at the same signs. Such a page is read after
rendering (:mod:`leadscout.research.web.render`), or is ``needs_browser``: unknown, never "no PMS".
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

SHELL_TEXT = 200  # characters of visible text under which a page with an app's build is a shell
_MOUNTS = "#root, #app, #__next, #__nuxt, [data-reactroot], app-root, [ng-app]"
_HINTS = ("root", "app", "__next", "__nuxt", "<noscript")  # what any mount point or noscript of _MOUNTS contains
_BUNDLE = re.compile(r"<script\b[^>]*\ssrc\s*=")


def needs_browser(html: str) -> bool:
    head = html[:500_000].lower()
    if not _BUNDLE.search(head) or not any(hint in head for hint in _HINTS):
        return False  # every page passes here: parse only what may be a shell
    tree = LexborHTMLParser(html[:500_000])
    bundles = [s for s in tree.css("script") if s.attributes.get("src")]
    mount = tree.css_first(_MOUNTS) is not None
    asks_for_js = any("javascript" in n.text().lower() for n in tree.css("noscript"))
    for node in tree.css("script, style, noscript, title, head"):
        node.decompose()
    text = " ".join((tree.body.text(separator=" ") if tree.body else "").split())
    return len(text) < SHELL_TEXT and bool(bundles) and (mount or asks_for_js)
