"""A page as its readers need it: text blocks in reading order, each knowing its container.

Readers of units, people and places ask "what is next to what": a number above its label in a
stats block, a name above its title in a card, a street line above its city line. A flat text
loses that, and ``node.text(separator=...)`` breaks sentences at every ``<b>``. So this walks the
DOM once: inline elements join their block's text, each block-level element starts a new
block, and every block records the element that contains it (its *group*: the card, the table
row, the list). Plain text (a file, a snippet) becomes one block per line, with blank lines
between groups.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from leadscout.research.read import published

_BLOCKS = """address article aside blockquote body caption dd details div dl dt fieldset figcaption figure footer
form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot th thead tr ul label legend
option button"""
BLOCK_TAGS = frozenset(_BLOCKS.split())
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LANDMARKS = frozenset({"footer", "aside", "header", "nav", "address", "main", "article"})
SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "head", "select", "iframe", "-comment"})
MAX_BLOCKS = 5000


@dataclass
class Block:
    text: str
    tag: str  # the block element holding the text (p, li, td, h3, div...)
    group: int  # the element that contains that block element: blocks of one card share it
    index: int  # position in reading order
    classes: str = ""  # class, id and landmark of the block element and its ancestors (footer, .wp-block-...)
    emails: list[str] = field(default_factory=list)  # addresses its links publish (mailto, Cloudflare-protected)

    @property
    def heading(self) -> bool:
        return self.tag in HEADINGS


@dataclass
class PageText:
    blocks: list[Block] = field(default_factory=list)
    alts: list[str] = field(default_factory=list)  # what the page's images say they show ("Jane Doe, Broker")
    alt_next: dict[str, int] = field(default_factory=dict)  # an alt's next block: its caption ("Broker/Owner")

    @property
    def text(self) -> str:
        return " ".join(b.text for b in self.blocks)

    def before(self, block: Block) -> Block | None:
        """The block just before ``block`` in reading order."""
        return self.blocks[block.index - 1] if block.index > 0 else None

    def after(self, block: Block) -> Block | None:
        """The block just after ``block`` in reading order."""
        return self.blocks[block.index + 1] if block.index + 1 < len(self.blocks) else None

    def neighbours(self, block: Block, span: int = 2) -> list[Block]:
        """Blocks within ``span`` places of ``block``, nearest first (after before before)."""
        out = []
        for distance in range(1, span + 1):
            for at in (block.index + distance, block.index - distance):
                if 0 <= at < len(self.blocks):
                    out.append(self.blocks[at])
        return out


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.emails: list[str] = []
        self.alts: list[str] = []
        self.alt_next: dict[str, int] = {}

    def flush(self, tag: str, group: int, classes: str) -> None:
        text = " ".join("".join(self.parts).split())
        emails, self.parts, self.emails = self.emails, [], []
        if (text or emails) and len(self.blocks) < MAX_BLOCKS:
            self.blocks.append(Block(text[:2000], tag, group, len(self.blocks), classes, emails))

    def note_email(self, node: LexborNode) -> None:
        attrs = node.attributes
        href = attrs.get("href") or ""
        found = published.from_mailto(href) or published.cf_href(href)
        if not found and attrs.get("data-cfemail"):
            found = published.decode_cfemail(attrs.get("data-cfemail") or "")
            if found:
                self.parts.append(f" {found} ")  # the page shows it once its script runs
        if found and found not in self.emails:
            self.emails.append(found)

    def note_alt(self, node: LexborNode) -> None:
        alt = " ".join((node.attributes.get("alt") or "").split())
        if 5 <= len(alt) <= 160 and alt not in self.alts and len(self.alts) < 200:
            self.alts.append(alt)
            self.alt_next[alt] = len(self.blocks) + bool(" ".join(self.parts).strip())

    def walk(self, node: LexborNode, tag: str, group: int, classes: str) -> None:
        for child in node.iter(include_text=True):
            name = child.tag or ""
            if name == "-text":
                self.parts.append(child.text_content or "")
            elif name in SKIPPED:
                continue
            elif (counted := _counter(child)) is not None:  # what the counter shows once its script has run
                if name in BLOCK_TAGS:
                    self.flush(tag, group, classes)
                    self.parts.append(counted)
                    self.flush(name, node.mem_id, f"{_classes(child)} {classes}".strip()[:300])
                else:
                    self.parts.append(f" {counted} ")
            elif name == "br":
                self.flush(tag, group, classes)
            elif name in BLOCK_TAGS:
                self.flush(tag, group, classes)
                # where the block sits: its own and its ancestors' landmarks (footer, aside, .contact...)
                inside = f"{_classes(child)} {name if name in _LANDMARKS else ''} {classes}".strip()[:300]
                self.walk(child, name, node.mem_id, inside)
                self.flush(name, node.mem_id, inside)
            else:  # inline: a space on each side, or `<span>1,200+</span><span>doors</span>` reads "1,200+doors"
                if name in ("a", "span"):
                    self.note_email(child)
                elif name == "img":
                    self.note_alt(child)
                self.parts.append(" ")
                self.walk(child, tag, group, classes)
                self.parts.append(" ")


# the attributes animated counters count up to ("0" until their script runs: counterUp, countTo, PureCounter)
_COUNTER_ATTRS = (
    "data-count",
    "data-to",
    "data-target",
    "data-number",
    "data-counter",
    "data-end",
    "data-purecounter-end",
    "data-end-value",
    "data-value",
    "data-to-value",
    "data-count-to",
    "data-countto",
    "data-final-value",
    "data-stop",
)  # fmt: skip  (Elementor: data-to-value)


def _counter(node: LexborNode) -> str | None:
    """The number an animated counter ends on, when its own text is still the placeholder."""
    attrs = node.attributes
    value = next((str(attrs[a]).strip() for a in _COUNTER_ATTRS if attrs.get(a)), None)
    if value is None or not re.fullmatch(r"\d[\d,.]*[kK]?\+?", value):
        return None
    shown = (node.text() or "").strip()
    return value if shown in ("", "0") or shown == value else None


def _classes(node: LexborNode) -> str:
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}".strip()[:200]


def from_html(tree: LexborHTMLParser) -> PageText:
    """The blocks of a parsed page (the tree is only read)."""
    root = tree.body or tree.root
    if root is None:
        return PageText()
    walker = _Walker()
    with contextlib.suppress(RecursionError):  # absurdly deep markup: keep what was read
        walker.walk(root, "body", 0, "")
    walker.flush("body", 0, "")
    return PageText(walker.blocks, walker.alts, walker.alt_next)


_BULLET = re.compile(r"^[•·▪■●◦‣*]\s*")  # a list item's mark (a dash stays: "– Karen Wells" signs a quote)


def from_text(text: str) -> PageText:
    """Plain text: a block per line (a hard-wrapped sentence is joined again, a paragraph wrapped at
    a width is one block); a blank line starts a new group."""
    blocks: list[Block] = []
    for group, lines in enumerate(_groups(text)):
        if _hard_wrapped(lines):
            lines = [" ".join(lines)]
        for line in lines:
            clean = _GLUED.sub(" ", _BULLET.sub("", line))
            last = blocks[-1] if blocks else None
            if last is not None and last.group == group and _wrapped(last.text, clean):
                last.text = f"{last.text} {clean}"[:2000]
                continue
            blocks.append(Block(clean[:2000], "p", group, len(blocks)))
            if len(blocks) >= MAX_BLOCKS:
                return PageText(blocks)
    return PageText(blocks)


# text copied out of a PDF loses the line breaks between a name and its title, a title and its firm:
# "Marie PeaceVice President of ComplianceThe Franklin Johnston Group"; no name has such a word inside
_GLUED = re.compile(
    r"(?<=[a-z])(?=(?:Vice|President|Manager|Director|Founder|Co-Founder|Owner|Broker|Principal|Partner|Chief|CEO|"
    r"COO|CFO|Senior|Executive|Managing|Regional|Assistant|Associate|Leasing|Controller|REALTOR|The)\b)"
)
_ELLIPSIS = re.compile(r"(?:…|\.\s?\.\s?\.|\[…\]|\[\.\.\.\])")


def _groups(text: str) -> list[list[str]]:
    """The text's runs of non-blank lines, each line's spacing made single."""
    groups: list[list[str]] = [[]]
    for line in text.splitlines():
        clean = " ".join(line.split())
        if clean and not _ELLIPSIS.fullmatch(clean):
            groups[-1].append(clean)
        elif groups[-1]:
            groups.append([])  # a blank line, or an ellipsis alone ("…"): text left out between two passages
    return [g for g in groups if g]


def _hard_wrapped(lines: list[str]) -> bool:
    """A paragraph wrapped at a width (a PDF's, an e-mail's): every line but the last about as long as
    the others, none a list item, and prose rather than a column of Title Case captions."""
    body = lines[:-1]
    if not body or any(not 45 <= len(line) <= 110 or _BULLET.match(line) for line in body):
        return False
    if _BULLET.match(lines[-1]) or max(map(len, body)) - min(map(len, body)) > 35:
        return False
    words = " ".join(lines).split()
    return sum(w[:1].isupper() for w in words) <= 0.5 * len(words)


def _wrapped(previous: str, line: str) -> bool:
    """A line that continues the sentence before it (hard-wrapped prose)."""
    if not re.search(r"[,;:a-z0-9]$", previous) or len(previous) <= 40:
        return False
    if re.match(r"[a-z0-9]", line):
        return True
    # "... Equity Residential Properties / Trust, one of": a line wrapped at a width mid-sentence, a name's
    # words on the next line (a long line ending in a word, not a list's or a card's)
    words = previous.split()
    prose = sum(w[:1].isupper() for w in words) <= 0.5 * len(words)  # a Title Case line is a caption or a heading
    return (
        prose and bool(re.search(r"[a-z,]$", previous)) and len(previous) >= 55 and bool(re.match(r"[A-Z(“\"'‘]", line))
    )


def looks_like_html(text: str) -> bool:
    return bool(
        re.search(
            r"<(html|body|div|p|a|span|head|section|article|main|header|footer|nav|table|tr|td|ul|ol|li|dl|dt|dd|"
            r"figure|img|script|strong|b|br|h[1-6])\b",
            text[:5000],
            re.I,
        )
    )


def sentences(text: str) -> list[str]:
    """Sentences of a block (a plain split on . ! ? followed by a space and a capital or digit;
    "St." and "Inc." stay inside). Hand-written: a sentence splitter library would bring a model."""
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        before = text[max(0, m.start() - 4) : m.start() + 1]
        if _ABBREVIATION.search(before) and not (_FIRM_END.search(before) and _OPENER.match(text, m.end())):
            continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


# "… from DePaul Management Co. The acquisition …": a firm's abbreviation can end a sentence too
_FIRM_END = re.compile(r"\b(?:Inc|Co|Corp|Ltd)\.$")
_OPENER = re.compile(r"(?:The|This|That|These|It|Its|He|She|They|We|Our|In|A|An|As|At|For|With|Today|Now)\b")
# an ellipsis standing alone ("… ") marks text left out: what follows is another sentence
_SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s+(?=[A-Z0-9“\"])|(?:^|\s)(?:…|\.\.\.)\s+(?=[A-Z0-9“\"])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:St|Ste|Inc|Co|Corp|Ltd|Mr|Mrs|Ms|Dr|Jr|Sr|No|Ave|Blvd|Rd|Dept|Mt|Ft|vs|etc|[A-Z])\.)$"
)
