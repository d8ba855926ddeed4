"""Portfolio-size claims: how many units, doors, homes or properties a company says it manages.

Candidates first, broadly: every quantity next to a unit noun (units, doors, homes, properties,
apartments, rentals, residences, households, beds, communities...) in any shape sites write it:
digits ("1,250", "1.2k", "1.3 million", "350+", "300-400"), number words (text2num), vague
amounts ("hundreds of"), "a 2,300-unit portfolio", "Acme (8,500 units)", "with 900 doors",
"a portfolio of 310 homes", "I manage five hundred of them", "450 doors under our care", and the
structured shapes (a stats card's number and label, "Doors managed: 450", a JSON key).

Then each candidate is scored from what surrounds it (:func:`_score`):

* who holds it: we/our, I/my, the company's name or its possessive, "the firm" after the name, a
  line with no subject of its own, "under management" right after the noun;
* that it is managed: a managing verb near it, "portfolio", "with N units", a hyphenated
  "N-unit portfolio", a parenthesis after a name, "bringing its total to";
* what takes it away: units added or acquired, a subset ("of which"), a per-manager load, a
  hypothetical, a price or fee tier, "N or more", "less than N", a single building ("a 200-unit
  community"), a count that belongs to another named organisation, franchise locations.

A candidate scoring at least :data:`THRESHOLD` is a claim. Each claim keeps the bounds the text
proves: exact, at least ("over 500", "500+"), about ("about 400": ±10 %) or a range. Hand-written
patterns: the phrase shapes are what is read here; no library parses "Doors managed 450".
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator
from text_to_num import alpha2digit

from leadscout.geo import STATES, is_large_place
from leadscout.research.read.firm_names import GENERIC_NAME_WORDS, is_ours, mentions
from leadscout.research.read.given_names import is_first_name
from leadscout.research.read.page import Block, PageText, sentences

Qualifier = Literal["exact", "at_least", "about", "range"]
THRESHOLD = 3.0
MAX_UNITS = 10_000_000  # the largest managers state 2.5 million units


class UnitClaim(BaseModel):
    value: int  # the number as stated (the lower end of a range)
    low: int = -1  # what the text proves at least (unset: the value, exactly)
    high: int | None = None  # what it proves at most (None: no upper bound)
    qualifier: Qualifier = "exact"
    kind: str = "units"
    phrase: str = Field(max_length=300)  # the verbatim quote
    basis: str = "self"  # self (we/our/label) | name (the company named) | structure (stats, table, JSON)
    vague: bool = False  # "hundreds of homes": proves a lower bound, names no number
    association: bool = False  # units of the homeowner associations it manages, not its rentals
    secondary: bool = False  # told after "as well as", "in addition to": not the sentence's main count
    score: float = 0.0

    @model_validator(mode="after")
    def _exact_by_default(self) -> UnitClaim:
        if self.low < 0:
            self.low, self.high = self.value, self.value
        return self

    def decides(self, minimum: int | None = None, maximum: int | None = None) -> bool | None:
        """True/False when the bounds settle ``value >= minimum`` (or ``<= maximum``), else None."""
        if minimum is not None:
            if self.low >= minimum:
                return True
            return False if self.high is not None and self.high < minimum else None
        if maximum is not None:
            if self.high is not None and self.high <= maximum:
                return True
            return False if self.low > maximum else None
        return None


# noun -> kind; communities and buildings count places that hold several units: N of them prove at least N
_NOUNS: dict[str, str] = {
    "unit": "units", "units": "units", "door": "doors", "doors": "doors", "home": "homes", "homes": "homes",
    "house": "homes", "houses": "homes", "property": "properties", "properties": "properties",
    "apartment": "units", "apartments": "units", "rental": "rentals", "rentals": "rentals",
    "residence": "units", "residences": "units", "household": "units", "households": "units",
    "condo": "units", "condos": "units", "condominiums": "units", "townhomes": "homes", "townhouses": "homes",
    "community": "communities", "communities": "communities", "building": "buildings", "buildings": "buildings",
    "duplexes": "properties", "fourplexes": "properties", "triplexes": "properties", "beds": "beds",
    "keys": "units", "lots": "properties", "listings": "properties", "doorways": "doors", "items": "units",
    "complexes": "communities", "cabins": "homes", "villas": "homes", "cottages": "homes", "chalets": "homes",
    "assets": "properties",
}  # fmt: skip
_LOWER_KINDS = {"communities", "buildings"}
_NOUN_AS_MODIFIER = {
    "owner", "owners", "investor", "investors", "manager", "managers", "management", "client", "clients",
    "landlord", "landlords", "association", "associations", "tax", "taxes", "value", "values", "type", "types",
    "inspections", "inspection", "sales", "listings", "showings", "members", "tours", "visits",
}  # fmt: skip
_KIND_RANK = {"units": 0, "doors": 0, "homes": 0, "rentals": 0, "properties": 1, "beds": 1, "communities": 2,
              "buildings": 2}  # fmt: skip
# words that may stand between a quantity and its noun ("1,250 single-family rental homes")
_NOT_MODIFIERS = {
    "of", "in", "at", "for", "per", "by", "from", "to", "with", "on", "and", "or", "a", "an", "the", "is", "are",
    "was", "were", "be", "been", "have", "has", "had", "we", "our", "they", "their", "it", "its", "that", "which",
    "who", "each", "every", "years", "year", "months", "month", "days", "employees", "staff", "people", "owners",
    "clients", "tenants", "residents", "cities", "states", "counties", "offices", "markets", "square", "sq",
    "feet", "ft", "acres", "percent", "dollars", "million", "billion", "agreements", "franchises", "locations",
    "associations", "hoas", "reviews", "stars", "applicants", "calls", "managers",
}  # fmt: skip
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_QUANTITY = re.compile(
    rf"(?P<pre>\$\s*|#\s*|\bno\.\s*)?(?:between\s+)?(?<![\w.,/])(?P<a>{_NUM})(?P<k>\s*(?:[kK]\b|M\b|million\b))?"
    rf"(?:(?:-|–|—|(?<!\b(?:19|20)\d\d)\s+(?:-|–|—)|(?<!\b(?:19|20)\d\d)\s*(?:to|and))\s*(?P<b>{_NUM})(?P<k2>\s*(?:[kK]\b|M\b|million\b))?)?(?P<plus>\s*\+|-plus\b)?",
    re.IGNORECASE,
)
_VAGUE = {
    "hundreds": 200, "thousands": 2000, "dozens": 24, "several hundred": 200, "a few hundred": 200,
    "several thousand": 2000, "a few thousand": 2000, "a hundred": 100, "a thousand": 1000,
}  # fmt: skip
_VAGUE_RE = re.compile(
    r"\b(several hundred|a few hundred|several thousand|a few thousand|hundreds|thousands|dozens)(?:\s+of)?\b",
    re.IGNORECASE,
)
_HALF_MILLION = re.compile(r"\b(one|two|three|four|five)\s+and\s+a\s+half\s+million\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")

_FIRST_PERSON = re.compile(r"\b(?:we|we're|we've|we'll|our|ours|us|i|i'm|i've|my|me)\b", re.IGNORECASE)
_MANAGE = re.compile(
    r"\b(?:manag(?:e|es|ed|ing|ement)|managers?\s+(?:of|for)|oversee(?:s|ing)?|oversaw|overseen|oversight|(?:car(?:e|es|ed|ing))\s+(?:for|of)|tak(?:e|es|ing)\s+care|"
    r"look(?:s|ing|ed)?\s+after|handl(?:e|es|ed|ing)|support(?:s|ed|ing)?|serv(?:e|es|ed|ing)|responsible\s+for|entrust\w*|trust(?:s|ed)?\s+(?:us|with)|"
    r"portfolios?|administer\w*|operat(?:e|es|ed|ing|or)|servic(?:e|es|ing)|under\s+(?:our\s+|its\s+|their\s+)?(?:care|management|"
    r"contract|administration)|underneath\s+administration|run(?:s|ning)?|collect(?:s|ing)?\s+rents?|"
    r"maintain(?:s|ed|ing)?|(?:rent|leas)(?:s|es|ed|ing)?\s+out)\b",
    re.IGNORECASE,
)
_GREW_TO = re.compile(
    # "From one duplex in 2006 to 950 doors today", "... grew from 100 properties to over 1,400"
    r"^\W*from\b[^;]{0,100}?\bto\s+(?:over\s+|more\s+than\s+|nearly\s+|about\s+|almost\s+|roughly\s+)?$|"
    r"\b(?:gr[eo]w\w*|grown|built|expand\w*|scal(?:e|ed|ing)|brings?|bringing|brought|increas\w*|rais\w*|"
    r"swell\w*|push\w*|lift\w*|boost\w*)\b[^;]{0,120}?"
    r"\bto\s+(?:a\s+total\s+of\s+|over\s+|more\s+than\s+|nearly\s+|about\s+|almost\s+|roughly\s+)?"
    r"(?:[\d,]+\s+(?:[a-z-]+\s+){1,3}(?:and|&)\s+)?$",  # "grown to 100 properties and 18,000 units"
    re.IGNORECASE,
)
_TOTAL = re.compile(r"\b(?:total(?:ing|ling)?|totals?|combined|combine[sd]?\s+for|now\s+stand(?:s|ing)?\s+at|"
                    r"stands?\s+at)\b[^.;]{0,25}$",
                    re.IGNORECASE)  # fmt: skip
_POSSESSIVE = re.compile(r"\b(?:company|firm|business|its|their|our)['’]?s?\s+(?:portfolio\s+of\s+|own\s+)?$", re.I)
_AT_LEAST = re.compile(
    r"(?:over|more\s+than|greater\s+than|in\s+excess\s+of|upwards\s+of|at\s+least|exceeding|north\s+of|"
    r"surpass\w*|past|beyond|minimum\s+of|no\s+fewer\s+than|just\s+over)\s*(?:a\s+)?$",
    re.IGNORECASE,
)
_ABOUT = re.compile(r"(?:about|approximately|approx\.?|roughly|around|nearly|almost|close\s+to|some|an\s+estimated|"
                    r"just\s+under|~)\s*(?:a\s+)?$", re.IGNORECASE)  # fmt: skip
_UPPER_ONLY = re.compile(
    r"\b(?:less|fewer)\s+than\s*$|(?<!just )(?<!slightly )\b(?:under|below|up\s+to|at\s+most|maximum\s+of)\s*$", re.I
)  # "just under 400" is about 400 (_ABOUT)
_DELTA = re.compile(
    r"\b(?:add(?:ed|ing|s)?|acquir(?:ed|ing|es|e)|acquisition\s+of|bought|purchas\w*|sold|selling|lost|new|"
    r"another|additional|extra|grew\s+by|grown\s+by|increas\w*\s+(?:by|of)|growth\s+of|develop(?:ed|s|ing)?|"
    r"built|construct\w*|deliver(?:ed|ing)?|leased|rented|listed|placed|sign(?:ed|ing))\s+"
    r"(?:(?:a\s+)?(?:total\s+of\s+)?(?:more\s+than|over|about|nearly|another|an?|roughly|some)\s+)?$",
    re.IGNORECASE,
)
_HOLD = re.compile(r"\b(?:manag(?:e|es|ing)|oversee(?:s|ing)?|collect(?:s|ing)?\s+rents?\s+(?:on|for|from)|"
                   r"car(?:e|es|ing)\s+for|look(?:s|ing)?\s+after)\b", re.IGNORECASE)  # fmt: skip
_GIVEN_UP = re.compile(
    r"\b(?:ceas(?:e|es|ed|ing)|stop(?:s|ped|ping)?|end(?:s|ed|ing)?|terminat\w*|relinquish\w*|exit(?:s|ed|ing)?|"
    r"drop(?:s|ped|ping)?|los(?:e|es|ing|t)|hand(?:s|ed|ing)?\s+(?:back|over)|transferr?\w*|giv(?:e|es|ing)\s+up)\s+"
    r"(?:(?:managing|operating|overseeing|servicing)\s+|(?:the\s+|its\s+|their\s+)?(?:management|oversight|operation|"
    r"contract)s?\s+(?:of|for|on)\s+)?(?:(?:about|nearly|some|over|"
    r"more\s+than|its|their|the)\s+)*$",
    re.IGNORECASE,
)
_OWNS = re.compile(r"\b(?:own(?:s|ed|ing)?|owns\s+and\s+operates|owned\s+and\s+operated)\s+(?:\w+\s+){0,3}$", re.I)
_PER_SUBJECT = re.compile(
    r"(?:^|[.;:]\s+)\W*(?:(?:each|every|a\s+typical|(?:the|our|its|their)\s+(?:average|typical)|an\s+average|one)\s+"
    r"(?:of\s+(?:our|the|its|their)\s+)?"
    r"(?:[\w-]+\s+){0,2}(?:manager|agent|employee|staff(?:er)?|pm|person|team\s+member)s?\b|(?:our|the|its|their)\s+"
    r"(?:[\w-]+\s+){0,2}(?:managers|agents|employees|staffers|pms|team\s+members)\s+(?:each|typically|usually|"
    r"average|on\s+average)\b)",
    re.IGNORECASE,
)
# "a property manager can effectively oversee 100 to 200 units": what any one manager can carry, said in
# general (a modal or a habit), not a firm's count ("A leading manager, Acme manages ..." has none)
_GENERIC_LOAD = re.compile(
    r"(?:^|[.;:]\s+|\b(?:that|where|if|when)\s+)\W*(?:a|an|one|any)\s+(?:(?:single|typical|average|good|"
    r"individual|full-time|experienced)\s+)?(?:[\w-]+\s+)?(?:manager|agent|pm|person|employee)\s+(?:\w+\s+){0,2}?"
    r"(?:can|could|should|may|might|will|would|typically|usually|generally|normally|often)\b",
    re.IGNORECASE,
)
# many firms' count together: "50 firms with a combined", "19 property management firms managing over"
_OTHERS_TOTAL = re.compile(
    r"\b\d[\d,]*\s+(?:[\w-]+\s+){0,3}(?:firms|companies|managers|members|operators|agencies)\s+(?:(?:with|that|who|"
    r"have|hold)\s+)?(?:a\s+)?(?:combined|collective|joint|total|manag\w+|oversee\w*|operat\w+)\b[^.;]{0,30}$",
    re.IGNORECASE,
)
_KINDRED_FIRM = re.compile(
    r"\b(?:our|its|their|the\s+company['’]s|the\s+firm['’]s)\s+(?:sister|parent|affiliated?|partner|related|separate)\s+"
    r"(?:company|firm|brokerage|business|agency|companies|firms)\b",
    re.IGNORECASE,
)
_NOW = re.compile(r"\b(?:now|today|currently|presently)\b", re.IGNORECASE)
_DEAL = re.compile(r"\b(?:acquir\w*|acquisition|purchas\w*|bought|buy(?:s|ing)?|merg\w*|sold|sell\w*)\b", re.I)
# "portfolios that range in size from 65 to 2,000 units", "properties from 1 to 300 units": a spread of sizes
_RANGE_OF_OTHERS = re.compile(
    r"\brang(?:e|es|ing)\s+(?:in\s+size\s+)?(?:from\s+)?$|\b(?:properties|buildings|communities|portfolios|"
    r"clients|owners|investors|landlords|anything|everything|anywhere|sizes?)\s+(?:of\s+)?(?:from|between)\s+$|"
    r"\brang(?:e|es|ing)\s+from\b[^.;]{0,60}\bto\s+(?:\w+\s+)?portfolios?\s+of\s+$",  # "... to portfolios of 50+ units"
    re.IGNORECASE,
)
_SERVED_OWNERS = re.compile(r"\b(?:owners|investors|landlords|clients)\s+of\s+(?:over\s+|more\s+than\s+|nearly\s+|"
                            r"about\s+|roughly\s+|some\s+)?$", re.IGNORECASE)  # fmt: skip
_SUBSET = re.compile(r"\b(?:of\s+which|of\s+these|of\s+those|among\s+them|including|incl\.)\s+(?:approximately\s+|"
                     r"about\s+|nearly\s+|roughly\s+|some\s+|over\s+|more\s+than\s+)?$", re.IGNORECASE)  # fmt: skip
_PER_LOAD = re.compile(r"\b(?:every|each|per|for\s+every|one\s+(?:property\s+)?manager\s+for)\s+(?:\w+\s+){0,2}$", re.I)
_PER_AFTER = re.compile(r"^\s*(?:per|each|for\s+each|a)\s+(?:property\s+|portfolio\s+|asset\s+)?(?:manager|person|"
                        r"employee|pm|staff|agent|team\s+member)\b", re.IGNORECASE)  # fmt: skip
_HYPOTHETICAL = re.compile(r"\b(?:if|whether|unless|imagine|suppose|say\s+you|let's\s+say|for\s+example|example|"
                           r"requires?|required|verify|verification|qualify|designation|can\s+easily|typical(?:ly)?|average|"
                           r"(?:could|would|might|should)(?!\s+to\b))\b", re.IGNORECASE)  # fmt: skip
_RATE_AFTER = re.compile(r"^\s*(?:a|per|each|every)\s+(?:week|month|year|day|quarter)\b|^\s*(?:annually|monthly|"
                         r"weekly|years?\b|or\s+(?:more|fewer|less|smaller|larger|greater|bigger|under|over|up)\b|"
                         r"\d+(?:\.\d+)?\s*%)", re.IGNORECASE)  # fmt: skip
_BREAK = re.compile(r"\bin\s+addition\s+to\b|\bas\s+well\s+as\b|\bwhereas\b|\bwhile\b|\bcompared\s+(?:to|with)\b|"
                    r"\bversus\b|\bvs\.?\s", re.IGNORECASE)  # fmt: skip
# "2,500 homes, including houses that it owns": what follows tells the parts of the whole, not who holds it
_PARTS_AFTER = re.compile(r"^\W*(?:including|incl\.|both|some|of\s+which)\b", re.IGNORECASE)
_OWNED_AFTER = re.compile(
    r"^[^.;]{0,40}\b(?:ownership|owned\s+by(?!\s+(?:third[\s-]+parties|others|clients|investors|owners|its\s+clients|"
    r"(?:[\w-]+\s+){0,4}(?:clients|investors|owners|landlords)\b))|"
    r"owns|has\s+an?\s+(?:stake|interest))\b",
    re.I,
)  # "units owned by third parties" are the ones a fee manager manages
# "I had 28 units ... with three different PMs": units the speaker hands to outside managers, not a manager's own
_MANAGED_BY_OTHERS = re.compile(
    r"^[^.;]{0,60}?\b(?:with|by|through|using|via|across|among|between)\s+(?:(?:a|an|the|two|three|four|five|several|multiple|different|"
    r"outside|other|separate|local|\d+)\s+){0,3}(?:pms|property\s+managers?|management\s+(?:companies|firms))\b",
    re.IGNORECASE,
)
# "complexes, which comprise a total of 730 units": what some named properties contain, not the portfolio
_CONTAINED = re.compile(
    r"\b(?:compris(?:e|es|ing)|contain(?:s|ing)?|consist(?:s|ing)?\s+of|encompass(?:es|ing)?)\s+"
    r"(?:a\s+total\s+of\s+|(?:over|more\s+than|about|nearly|some|roughly)\s+)?$",
    re.IGNORECASE,
)
_ASSOCIATION = re.compile(r"\b(?:associations?|hoas?|coas?|condominium\s+associations?|homeowners?)\b", re.I)
_YEAR_BEFORE = re.compile(
    r"\b(?:19|20)\d\d\s*(?:and|to|through|[-–])\s*$|"  # "between 2016 and 2019": the second year of a span
    r"\b(?:in|since|by|until|during|circa|est\.?|founded|through|between|early|late|(?:spring|summer|fall|autumn|winter|end|"
    r"start|beginning|middle|class|january|february|march|april|may|june|july|august|september|october|november|"
    r"december)\s+of)\s+$",
    re.I,
)
_SINGLE_PLACE = re.compile(
    r"^\s*[-–]\s*(?:unit|door|home|apartment|bed|plex)s?\b(?!\s+(?:portfolio|compan|firm|operat|business|"
    r"management|manager|owner|landlord|player|propert(?:y|ies)\s+management))",
    re.IGNORECASE,
)
_PORTFOLIO_ADJ = re.compile(
    r"^\s*[-–]\s*(?:unit|door|home|apartment|property|rental)s?\s+(?:[\w-]+\s+)?(?:portfolio|compan|firm|operat|"
    r"business|management|manager|owner|landlord|player)",
    re.IGNORECASE,
)
_PLACE_POSSESSIVE = re.compile(r"\b(?:property|community|complex|building|development|project|site|tower|"
                               r"asset)['’]s\s+(?:[\w-]+\s+)?$", re.IGNORECASE)  # fmt: skip
_NAMED_PLACE_POSSESSIVE = re.compile(r"\bthe\s+(?:[A-Z][\w-]*\s+){0,3}[A-Z][\w-]*['’]s\s+(?:[\w-]+\s+)?$")
# "manages the Hamilton Greene apartment complex ... for its 416 units": "its" is the one place named
_ITS_PLACE = re.compile(
    r"\b(?:apartment\s+)?(?:complex|building|tower|development)\b(?![^;]*\b(?:firm|company|portfolio)\b)[^;]*\bits\s+$",
    re.IGNORECASE,
)
_FRANCHISE = re.compile(r"\bfranchis\w*|\blicensees?\b|\boffices\b|\blocations\b", re.IGNORECASE)
_OTHER_ORG = re.compile(
    r"\b(?:[A-Z][\w&'’.-]+\s+){0,4}(?:Management|Properties|Property|Residential|Realty|Group|Partners|Living|Organi[sz]ation|"
    r"Communities|Trust|Capital|Company|Companies|Corp\.?|Inc\.?|LLC|Associates|Cos\.|Sons|Brothers|Bros\.)\b"
)
_OPEN_PAREN = re.compile(rf"\(\s*(?:{_ABOUT.pattern}|over\s+|more\s+than\s+|~\s*)?$", re.IGNORECASE)
_PLACE_WORD = re.compile(r"\b(?:County|City|Area|Metro|Valley|Bay|Region|State|Coast)\b")
_FOR_CLIENT = re.compile(r"^[^.;,]{0,40}?\bfor\s+(?:the\s+)?(?P<org>[A-Z][\w&'’.-]*(?:\s+(?:of\s+)?[A-Z][\w&'’.-]*)+)")
# "at Edward Rose & Sons, which has developed 65,000 apartments and now owns 57,000": the clause is that firm's
_ORG_CLAUSE = re.compile(r"(?P<org>" + _OTHER_ORG.pattern + r")[^.;]{0,40}?,?\s+(?:which|who)\b[^.;]*$")
_NAME_PAREN_CLAUSE = re.compile(r"(?P<org>(?:[A-Z0-9][\w&'’.-]*\s+){1,5})\(\s*(?:which|who)\b[^()]*$")
# "Before the pandemic, the pair owned 96 units": what was held once, not now
_ONCE = re.compile(
    r"^\W*(?:before|prior\s+to|until|at\s+(?:its|their|one)\s+(?:peak|height|point)|at\s+one\s+time|formerly|"
    r"in\s+(?:its|their)\s+heyday|when\s+(?:we|i|the\s+(?:company|firm))\s+(?:first\s+)?(?:opened|started|began|"
    r"launched|founded|set\s+out))\b[^,;]{0,60},",
    re.IGNORECASE,
)
_LED_ORG = re.compile(
    r"\b(?:co-?)?(?:CEO|president|founder|owner|principal|chairman|chief\s+\w+\s+officer|(?-i:[A-Z]{3}))\s+(?:of|for|at)\s+"
    r"(?:the\s+)?(?P<org>(?-i:[A-Z][\w&'’.-]+(?:\s+[A-Z][\w&'’.-]+){0,3}))",  # a name is capitalised
    re.IGNORECASE,
)
# "the firm", "the 40-plus-year-old company", "the foundation", "they": the organisation just named
_ANAPHORA = re.compile(
    r"\b(?:the\s+(?:[a-z0-9][\w-]*\s+){0,2}(?:firm|company|manager|business|group|operator|brand|reit|trust|"
    r"foundation|organi[sz]ation|nonprofit|partnership)|it|which|they|its|their|he|she|his|her)\b",
    re.IGNORECASE,
)
# "The Minneapolis-based company manages...": on a company's own pages this is the company itself
_THE_COMPANY = re.compile(
    r"^(?:the\s+)?(?:(?-i:[A-Z][\w.'-]*),?\s+){0,2}(?:[\w.-]+-based\s+)?(?:(?-i:[a-z0-9])[\w-]*\s+){0,3}(?:company|firm|team|business|reit|operator|partnership|brand)\b|^(?:the\s+)?[\w-]+-based\s+(?:manager|owner|landlord)\b|^(?:(?:proudly|currently|now|today)\s+)?"
    r"(?:managing|manages|overseeing|serving\s+owners\s+of)\b|^(?:portfolio(?:\s+size)?|units|doors|homes|properties|"
    r"rentals)(?:\s+(?:managed|under\s+management))?\s*:",
    re.IGNORECASE,
)
# "A portfolio of 310 homes.", "Trusted with 95 rental homes.", "1,200 doors and counting": a line with no
# subject of its own is the site speaking of itself ("Greystar manages ..." has one, and is not)
_SUBJECTLESS = re.compile(
    r"^(?:\d|vague\d|(?:a|an|over|more|nearly|about|approximately|almost|trusted|managing|proudly|currently|portfolio|"
    r"with|today|now|helping|serving|caring|overseeing|total|just)\b)",
    re.IGNORECASE,
)
# a number and a unit noun and nothing else; twenty or more (a listing's "2 units" is one building's)
_BARE_STAT = re.compile(
    r"(?:(?:over|more\s+than|nearly|about|approximately|almost|some|just\s+over)\s+)?(?:[2-9]\d|\d{3}|\d{1,3}(?:,\d{3})+)"
    r"\s*\+?\s+(?:[a-z-]+\s+)?(?:units|doors|homes|properties|rentals|apartments|residences)\s*[.!]?",
    re.IGNORECASE,
)
_PASSIVE = re.compile(
    r"^\s*(?:managed|under\s+(?:our\s+)?(?:management|care|contract)|in\s+our\s+(?:[\w-]+\s+){0,2}"
    r"(?:portfolio|program|programme|care|inventory)|and\s+(?:counting|growing))\b",
    re.IGNORECASE,
)
# "acquires, rehabilitates, builds and manages more than 22,000 units": what it does, the last verb the count's
_MANAGED_NOW = re.compile(r"\b(?:and|,)\s+(?:manages|operates|oversees)\s+(?:(?:more\s+than|over|about|nearly|some|"
                          r"approximately|roughly)\s+)?$", re.IGNORECASE)  # fmt: skip
_ANY_COMPANY = re.compile(r"(?:^|[.;]\s+)(?:an?|any|every)\s+(?:[\w-]+\s+){0,3}(?:company|firm|manager|business)\s+"
                          r"(?:that|which|who)\s+(?:manages?|oversees?|handles?)\s+(?:\w+\s+){0,2}$", re.I)  # fmt: skip
_OTHER_FIRMS_THAT = re.compile(
    r"\b(?:firms|companies|managers|operators|competitors|others|rivals|chains)\s+(?:that|which|who)\s+"
    r"(?:\w+\s+)?(?:manage|oversee|handle|run)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_LISTED_NOW = re.compile(
    r"^\s*(?:(?:currently|now|that\s+are|are)\s+)?(?:available|for\s+(?:rent|lease|sale)|vacant|listed|"
    r"on\s+the\s+market|coming\s+soon)\b",
    re.IGNORECASE,
)
_PLACE_HOLDS = re.compile(
    r"\b(?:the|this|our|that)\s+(?:city|county|state|region|market|metro|area|town|nation|country|neighbou?rhood|island)"
    r"\s+(?:has|had|have|holds|counts|boasts|added|saw|needs)\s+(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_REGIONAL_PORTFOLIO = re.compile(
    r"(?P<poss>['’]s\s+)?\b(?P<place>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+(?:portfolio|holdings)\s+"
    r"(?:(?:now|currently|today)\s+)?(?:of|includes?|comprises?|totals?|spans?|has)?\s*(?:[\w-]+\s+){0,2}$"
)
# words that say which part of a whole portfolio is meant only when they name a place or a fund
_WHOLE_PORTFOLIO = {"Total", "Entire", "Whole", "Overall", "Combined", "Current", "Managed", "Residential",
                    "Multifamily", "Apartment", "Rental", "National", "Global", "Growing", "Diverse"}  # fmt: skip


def _regional_portfolio(near_before: str) -> bool:
    """ "Acme's Houston portfolio of 2,000 units", "Weidner's Uptown portfolio now includes 918
    apartments": one city's, state's or neighbourhood's share, not the whole."""
    m = _REGIONAL_PORTFOLIO.search(near_before)
    if m is None:
        return False
    place = m.group("place")
    if m.group("poss") and place.split()[0] not in _WHOLE_PORTFOLIO:
        return True
    return is_large_place(place) or place in STATES.values()


_MAKE_UP = re.compile(r"^[^.;]{0,90}?\b(?:make|makes|made)\s+up\s+(?:its|our|their|the\s+(?:company|firm)['’]s)\s+"
                      r"(?:[\w-]+\s+){0,2}portfolio\b", re.IGNORECASE)  # fmt: skip
_WITH = re.compile(
    r"\b(?:with|across)\s+(?:a\s+portfolio\s+of\s+)?(?:(?:over|more\s+than|nearly|about|almost|some|roughly|"
    r"approximately|just\s+over)\s+)?$",
    re.IGNORECASE,
)
_PORTFOLIO_QUALIFIER = r"(?:(?:over|more\s+than|nearly|about|almost|some|roughly|approximately)\s+)?$"
_PORTFOLIO_OF = re.compile(
    r"\bportfolio\s+(?:(?:which|that)\s+)?(?:(?:now|currently|today)\s+)?(?:of|includes|including|comprises|"
    r"comprising|totals?|to|at)\s+(?:an?\s+)?" + _PORTFOLIO_QUALIFIER,
    re.IGNORECASE,
)
_A_PORTFOLIO_OF = re.compile(r"\ba\s+portfolio\s+of\s+" + _PORTFOLIO_QUALIFIER, re.IGNORECASE)  # not "the
# portfolio", which may be one bought
_COMMON = {
    "under", "our", "your", "we", "the", "and", "of", "for", "with", "in", "on", "at", "to", "by", "from", "a",
    "an", "full", "best", "top", "trusted", "local", "professional", "residential", "commercial", "rental",
    "rentals", "single", "family", "multi", "multifamily", "years", "year", "total", "managed", "proudly",
    "serving", "owners", "investors", "home", "homes", "about", "why", "us", "contact", "news", "new",
}  # fmt: skip


@dataclass
class _Context:
    """What is known of a sentence before its quantities are read."""

    sentence: str  # normalised: number words as digits, vague amounts as markers
    original: str
    first_person: bool
    named: bool  # the company's name is in it
    after_mention: bool  # the sentence before named the company
    subjectless: bool
    other_org: bool  # it names an organisation that is not the company
    nouns_before: str | None  # the unit noun of the sentences before ("five hundred of them")
    other_before: bool = False  # the sentence before named another organisation, and not the company
    company: str | None = None


def claims_in_page(page: PageText, company: str | None = None) -> list[UnitClaim]:
    """Every portfolio claim on a page: each sentence of each block, and the structured shapes
    (a number block next to its label block, label/value pairs, JSON keys)."""
    out: list[UnitClaim] = []
    named_before = other_before = False
    noun_before: str | None = None
    for block in page.blocks:
        for sentence in sentences(block.text):
            found = claims_in_sentence(
                sentence, company, after_mention=named_before, noun_before=noun_before, other_before=other_before
            )
            out.extend(found)
            named = mentions(company, sentence) or _the_company_is_subject(sentence)
            other_before = bool(company) and not named and _names_another(sentence, company)
            # the text stays on the company until it names another ("... and its principal. The settlement
            # addresses hazards in its buildings. The property management company oversees 2,500 ...")
            named_before = named or (named_before and not found and not other_before)
            noun_before = _last_noun(sentence) or noun_before
        out.extend(_structured(block, page))
    out.extend(_table_columns(page))
    return _unique(out)


def _the_company_is_subject(sentence: str) -> bool:
    """ "The Austin-based real estate company owns ...": the next sentence's "it" is the company."""
    return bool(_THE_COMPANY.search(_INTRO.sub("", sentence.strip(" \"“”'‘’("))))


def _table_columns(page: PageText) -> list[UnitClaim]:
    """A table whose row of labels stands above a row of numbers ("Homes | Owners | Years" over
    "1,250 | 600 | 15"): each number is its column label's."""
    rows: list[list[Block]] = []
    for block in page.blocks:
        if block.tag not in ("td", "th"):
            continue
        if rows and rows[-1][-1].group == block.group:
            rows[-1].append(block)
        else:
            rows.append([block])
    out: list[UnitClaim | None] = []
    for labels, numbers in itertools.pairwise(rows):
        if len(labels) != len(numbers) or len(labels) < 2:
            continue
        for label, number in zip(labels, numbers, strict=True):
            m = _number_only(number.text)
            noun = _noun_after(_bare_label(label.text))
            if m and noun and _unit_label(label.text) and (value := _number(m.group(1), m.group(2))):
                quote = f"{label.text}: {number.text}"
                out.append(_make(value, None, bool(m.group(3)), False, noun[1], quote, "structure", _STRUCTURE_SCORE))
    return [c for c in out if c is not None]


_SELF_TYPES = {"organization", "localbusiness", "realestateagent", "corporation", "professionalservice",
               "propertymanagement", "homeandconstructionbusiness"}  # fmt: skip
# a data key that names a managed count: unitsManaged, doors_under_management, portfolioSize, homesManaged
# the keys of a managed count in a page's script data (unitsManaged, managed_doors, portfolioSize):
# the extractor parses a script only when one of these (or a person's title) is in it
MANAGED_COUNT_KEY = (
    r"(?:total_?)?(?:units|doors|homes|properties|rentals)_?(?:managed|under_?management)|"
    r"portfolio_?size|managed_?(?:units|doors|homes|properties|rentals)"
)
_DATA_KEY = re.compile(rf"^(?:{MANAGED_COUNT_KEY})$", re.IGNORECASE)


def claims_in_data(items: list[dict[str, Any]], objects: list[Any], company: str | None = None) -> list[UnitClaim]:
    """Claims a page makes in data: the description its JSON-LD gives of the business itself (read
    as text), and a count its scripts keep under a managed-count key (``unitsManaged: 1250``)."""
    out: list[UnitClaim | None] = []
    for item in items:
        typed = item.get("@type")
        kinds = typed if isinstance(typed, list) else [typed]
        described = item.get("description")
        if isinstance(described, str) and {str(k).lower() for k in kinds} & _SELF_TYPES:
            out += claims_in_text(described[:3000], company)
    for key, value in _data_pairs(objects):
        shown = str(value).strip()
        if _DATA_KEY.match(key) and (number := _amount(shown)):
            words = re.sub(r"[_A-Z]", lambda m: " " + m.group(0).strip("_").lower(), key)  # unitsManaged: units managed
            kind = (_noun_after(words) or ("", "units", ""))[1]
            out.append(
                _make(number, None, shown.endswith("+"), False, kind, f"{key}: {value}", "structure", _STRUCTURE_SCORE)
            )
    return _unique(c for c in out if c is not None)


def _data_pairs(objects: list[Any], depth: int = 0) -> Iterator[tuple[str, Any]]:
    for obj in objects[:500]:
        if isinstance(obj, dict) and depth < 8:
            for key, value in list(obj.items())[:200]:
                if isinstance(value, (dict, list)):
                    yield from _data_pairs([value], depth + 1)
                else:
                    yield str(key), value
        elif isinstance(obj, list) and depth < 8:
            yield from _data_pairs(obj, depth + 1)


def claims_in_text(text: str, company: str | None = None) -> list[UnitClaim]:
    from leadscout.research.read.page import from_text

    return claims_in_page(from_text(text), company)


def claims_in_sentence(
    sentence: str,
    company: str | None = None,
    *,
    after_mention: bool = False,
    noun_before: str | None = None,
    other_before: bool = False,
) -> list[UnitClaim]:
    if not re.search(r"\d|hundred|thousand|dozen|million", sentence, re.IGNORECASE):
        return []
    normal = _normalise(sentence)
    stripped = normal.strip(" \"“”'‘’(")
    context = _Context(
        sentence=normal,
        original=sentence,
        first_person=bool(_FIRST_PERSON.search(normal)),
        named=mentions(company, normal),
        after_mention=after_mention,
        subjectless=bool(_THE_COMPANY.search(_INTRO.sub("", stripped)) or _SUBJECTLESS.match(stripped)),
        other_org=_names_another(normal, company),
        nouns_before=noun_before,
        other_before=other_before,
        company=company,
    )
    pairs = [(m, c) for m in _QUANTITY.finditer(normal) if (c := _candidate(m, context)) is not None]
    out = [c for _, c in pairs]
    out += [r for m, c in pairs if (r := _restated(m, c, normal, out)) is not None]
    out += [c for m in re.finditer(r"vague(\d+)", normal) if (c := _vague_candidate(m, context)) is not None]
    return _sum_enumeration(out, normal, sentence) if len(out) > 1 else out


# "80 properties nationwide, more than 54,000 beds", "44 properties housing about 28,000 students": the same
# portfolio told again in finer units, which inherits how surely the coarse count is the company's
_RESTATED = re.compile(
    rf"^[^.;\d]{{0,30}}?(?:,\s*|\b(?P<housing>housing|accommodating)\s+|\b(?:with|comprising|containing|totall?ing|"
    rf"representing|(?:that|which)\s+(?:contain|include|hold|total)s?)\s+)"
    rf"(?:a\s+total\s+of\s+)?(?P<q>(?:over|more\s+than|nearly|about|approximately|roughly|some|almost|"
    rf"in\s+excess\s+of|upwards\s+of)\s+)?(?P<n>{_NUM})(?P<plus>\+)?\s+(?:[\w-]+\s+){{0,2}}?"
    rf"(?P<noun>units|apartments|apartment\s+homes|homes|doors|beds|bedrooms|students|residents)\b",
    re.IGNORECASE,
)


def _restated(m: re.Match[str], coarse: UnitClaim, normal: str, found: list[UnitClaim]) -> UnitClaim | None:
    if coarse.kind not in ("properties", *_LOWER_KINDS) or coarse.vague:
        return None
    rest = normal[m.end() :]
    noun = _noun_after(rest)
    if noun is None or noun[2] != "noun":
        return None
    r = _RESTATED.match(rest[rest.lower().find(noun[0]) + len(noun[0]) :])
    if r is None:
        return None
    word = r.group("noun").lower().split()[-1]
    if word in ("students", "residents") and not r.group("housing"):
        return None
    kind = "beds" if word in ("beds", "bedrooms", "students", "residents") else _NOUNS[word]
    value = _number(r.group("n"), None)
    if value is None or value <= coarse.value or any(c.value == value for c in found):
        return None
    q = (r.group("q") or "").lower()
    at_least = bool(r.group("plus")) or (bool(q) and _AT_LEAST.search(q + " ") is not None)
    about = bool(q) and not at_least
    claim = _make(value, None, at_least, about, kind, coarse.phrase, coarse.basis, score=coarse.score)
    if claim is None:
        return None
    return claim.model_copy(update={"association": coarse.association, "secondary": coarse.secondary})


def _normalise(sentence: str) -> str:
    """Number words to digits (text2num), "1.3 million" to 1300000, vague amounts to markers."""
    text = sentence.replace("’", "'").replace("\u00a0", " ")
    text = _HALF_MILLION.sub(lambda m: str(int((_SMALL[m.group(1).lower()] + 0.5) * 1_000_000)), text)
    text = re.sub(
        r"\b(\d+(?:\.\d+)?)\s*(million|billion)\b",
        lambda m: str(round(float(m.group(1)) * (1e6 if m.group(2).lower() == "million" else 1e9))),
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\b(\d+(?:\.\d+)?)\s?[kK]\b", lambda m: str(round(float(m.group(1)) * 1000)), text)  # "54k", "1.2k"
    text = _DOZEN.sub(_dozens, text)
    text = _VAGUE_RE.sub(lambda m: f" vague{_VAGUE[m.group(1).lower()]} ", text)
    text = _WORDS_HYPHEN.sub(r"\1 \2", text)  # "a five hundred-unit portfolio": text2num reads no hyphenated word
    text = re.sub(r"\ba\s+(hundred|thousand)\b", lambda m: str(_VAGUE["a " + m.group(1).lower()]), text)  # a number
    try:
        text = str(alpha2digit(text, "en", threshold=10))
    except Exception:  # text2num is strict about odd input; the digits are still there
        return text
    return re.sub(r"(\d) (-(?:unit|door|home|apartment|propert|rental))", r"\1\2", text, flags=re.IGNORECASE)


def _dozens(m: re.Match[str]) -> str:
    """ "three dozen" -> 36, "half a dozen" -> 6."""
    said = " ".join(m.group(1).lower().split())
    return "6" if "half" in said else str(12 * (_DOZENS.get(said) or int(said)))


_WORDS_HYPHEN = re.compile(
    r"\b(hundred|thousand|million|ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"eleven|twelve|fifteen)(-(?:unit|door|home|apartment|propert|rental))",
    re.IGNORECASE,
)


_SMALL = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_DOZENS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_DOZEN = re.compile(
    r"\b(half\s+a|a\s+half|a|one|two|three|four|five|six|seven|eight|nine|\d)\s+dozen\b(?!s)", re.IGNORECASE
)


_COMMON_WORDS = frozenset({*_COMMON, *_NOUNS, *GENERIC_NAME_WORDS})


# "Greystar, the nation's largest manager, ...": a one-word brand is an organisation when an appositive says so
_APPOSITIVE_ORG = re.compile(
    r"(?-i:\b[A-Z][\w&'’.-]+(?:\s+[A-Z][\w&'’.-]+){0,3}),\s+(?:the|a|an|one\s+of)\s+[^,;.]{0,60}?\b(?:manager|"
    r"company|firm|owner|operator|reit|developer|landlord|provider|investor|brokerage|player)s?\b",
    re.IGNORECASE,
)


def _orgs(text: str) -> list[re.Match[str]]:
    appositive = [m for m in _APPOSITIVE_ORG.finditer(text) if not is_first_name(m.group(0).split()[0])]  # a person
    return [*_OTHER_ORG.finditer(text), *appositive]


def _other_nearer(before: str, company: str | None) -> bool:
    """The organisation named nearest before the number is another one than the company."""
    named = _orgs(before)
    words = [w.lower() for w in _WORD.findall(company or "") if w.lower() not in GENERIC_NAME_WORDS][:1]
    ours = [m.end() for w in words for m in re.finditer(rf"\b{re.escape(w)}\b", before, re.IGNORECASE)]
    others = [
        m.end() for m in named if company and not is_ours(company, m.group(0)) and _names_another(m.group(0), company)
    ]
    return bool(others) and max(others) > max(ours, default=-1)


def _names_another(sentence: str, company: str | None) -> bool:
    """The sentence names an organisation, and not the company: its numbers may be that one's."""
    for m in _orgs(sentence):
        name = m.group(0).split(",")[0]
        words = [w for w in _WORD.findall(name) if w[0].isupper() and w.lower() not in _COMMON_WORDS]
        if words and not (company and mentions(name, company)):
            return True
    return any(
        company and not is_ours(company, m.group("org")) for m in _LED_ORG.finditer(sentence)
    )  # "says Doug Brien, co-CEO for Waypoint": a firm named by the role someone holds in it


def _last_noun(sentence: str) -> str | None:
    found = [w.lower() for w in _WORD.findall(sentence) if w.lower() in _NOUNS]
    return found[-1] if found else None


def _noun_after(rest: str, context: _Context | None = None) -> tuple[str, str, str] | None:
    """(noun, kind, how) when a unit noun follows: right after, after a hyphen ("2,300-unit"),
    or after up to three modifiers ("single-family rental homes"); "500 of them" takes the noun
    the sentences before used."""
    if m := re.match(r"^\s*[-–]\s*([A-Za-z]+)", rest):
        word = m.group(1).lower()
        noun = word if word in _NOUNS else word + "s" if word + "s" in _NOUNS else None
        return (noun, _NOUNS[noun], "hyphen") if noun else None
    if context is not None and re.match(r"^\s*of\s+(?:them|these|those)\b", rest, re.I):
        earlier = _last_noun(context.sentence[: len(context.sentence) - len(rest)]) or context.nouns_before
        return (earlier, _NOUNS[earlier], "them") if earlier else None
    if context is not None and re.match(r"^\s*(?:[.!;]|$)", rest):  # "three rentals ...; today we manage over 300."
        earlier = _last_noun(context.sentence[: len(context.sentence) - len(rest)]) or context.nouns_before
        return (earlier, _NOUNS[earlier], "elliptic") if earlier else None
    if listed := _MODIFIER_LIST.match(rest):  # "700+ residential, apartment and commercial units"
        rest = listed.group(0).replace(",", " ") + rest[listed.end() :]
    # a digit ends the phrase: "20 agents and 400 homes" gives the homes to the 400, not the 20
    words = [w.lower().strip("'’") for w in _WORD.findall(re.split(r"[,.;:()\[\]|]|\d", rest[:90])[0])]
    limit = 4
    for i, lower in enumerate(words[:6]):
        if i >= limit:
            return None
        if lower in ("and", "or", "&") and 0 < i < 3 and words[i - 1] not in _NOUNS:
            limit = 6  # "1,200 single-family and multifamily units": modifiers in a coordination
            continue
        if lower in _NOUNS:
            while i + 1 < len(words) and words[i + 1] in _NOUNS:  # "rental homes": the last noun of the run
                i, lower = i + 1, words[i + 1]
            if lower in ("unit", "units") and i + 1 < len(words) and words[i + 1] in ("year", "years"):
                return None  # "500 unit years" of experience
            if i + 1 < len(words) and words[i + 1] in _NOUN_AS_MODIFIER:
                return None  # "120 property owners", "45 community associations": the noun describes others
            return lower, _NOUNS[lower], "noun"
        if lower in _NOT_MODIFIERS:
            return None
    return None


_MODIFIER_LIST = re.compile(r"^\s*(?:[a-z][\w-]*\s*,\s*){1,4}(?:[a-z][\w-]*\s+){0,2}(?:and|or|&)\s+")
_GROWN_FROM = re.compile(
    r"\bfrom\s+(?:[a-z]+\s+){0,2}?[\d,.]+\s+(?:[\w-]+\s+){0,2}?(?P<noun>[a-z]+)\b[^.;]{0,60}?\bto\s+"
    r"(?:a\s+total\s+of\s+|more\s+than\s+|over\s+|nearly\s+|about\s+|almost\s+|roughly\s+)?$",
    re.IGNORECASE,
)


# "increasing its units under management by nearly 60 percent to 143,200": a count raised to a new total
_RAISED_TO = re.compile(
    r"\b(?:increas|grow|grew|rais|brought|bring|expand|boost|push|lift|take|took|double|tripl)\w*\s+"
    r"(?:its|our|their|the\s+(?:company|firm)['’]s)\s+(?:[\w-]+\s+){0,2}?(?P<noun>[a-z]+)\s+"
    r"(?:under\s+(?:management|contract)\s+|portfolio\s+|count\s+)?(?:by\s+[^,;.]{1,30}?\s+)?to\s+"
    r"(?:a\s+total\s+of\s+|more\s+than\s+|over\s+|nearly\s+|about\s+|almost\s+|roughly\s+)?$",
    re.IGNORECASE,
)


# "The number of apartment units has grown from 5,000 in 2005 to 12,000 currently": the count's noun is the subject's
_NUMBER_OF_GREW = re.compile(
    r"\bnumber\s+of\s+(?:[\w-]+\s+){0,2}?(?P<noun>[a-z]+)\s+(?:[\w'’-]+\s+){0,4}?(?:has\s+|have\s+|had\s+)?"
    r"(?:grown|grew|increased|risen|rose|climbed|jumped|expanded|gone\s+up|went\s+up)\s+from\s+[^.;]{1,40}?\bto\s+"
    r"(?:a\s+total\s+of\s+|more\s+than\s+|over\s+|nearly\s+|about\s+|almost\s+|roughly\s+)?$",
    re.IGNORECASE,
)


def _noun_grown_from(before: str) -> tuple[str, str, str] | None:
    """ "from 500 units in 2010 to more than 6,000 today": the total borrows the starting point's noun
    (or the noun of the count the sentence raises: "increasing its units ... to 143,200"; or the
    subject's: "the number of units has grown from 5,000 to 12,000")."""
    for pattern in (_GROWN_FROM, _RAISED_TO, _NUMBER_OF_GREW):
        if (m := pattern.search(before[-160:])) and (noun := m.group("noun").lower()) in _NOUNS:
            return noun, _NOUNS[noun], "from"
    return None


_ROUGHLY_AFTER = re.compile(r"^\s*(?:or\s+so|or\s+thereabouts|-ish)\b", re.IGNORECASE)


def _candidate(m: re.Match[str], c: _Context) -> UnitClaim | None:
    if m.group("pre"):
        return None  # a price, a rank ("No. 2") or a reference
    clause = c.sentence
    rest, before = clause[m.end() :], clause[: m.start()]
    roughly = _ROUGHLY_AFTER.match(rest)  # "1,250 or so homes"
    if roughly:
        rest = rest[roughly.end() :]
    noun = _noun_after(rest, c)
    if noun is None or noun[2] == "elliptic":  # "... has risen from 200 to more than 650.": a total, grown to
        noun = _noun_grown_from(before) or noun or _all_of_ours(before, rest)
    if noun is None:
        return None
    low = _number(m.group("a"), m.group("k"))
    if low is None or low <= 0 or (re.fullmatch(r"(?:19|20)\d\d", m.group("a")) and _a_year(before, rest, noun)):
        return None
    high = _number(m.group("b"), m.group("k2") or m.group("k")) if m.group("b") else None
    after_noun = rest if noun[2] == "from" else rest[rest.lower().find(noun[0]) + len(noun[0]) :]
    score = _score(before, rest, after_noun, noun, c)
    if score < THRESHOLD:
        return None
    at_least = bool(m.group("plus")) or bool(_AT_LEAST.search(before))
    basis = "name" if c.named or (c.after_mention and not c.first_person) else "self"
    about = bool(_ABOUT.search(before) or roughly)
    claim = _make(low, high, at_least, about, noun[1], c.original, basis, score=score)
    if claim is None:
        return None
    return claim.model_copy(
        update={"association": bool(_ASSOCIATION.search(before[-60:])), "secondary": bool(_BREAK.search(before))}
    )


# "a company with at least 20 units under management": a kind of company a rule asks for, not one that is
_KIND_WITH_MINIMUM = re.compile(
    r"\b(?:a|an|any)\s+(?:[\w-]+,?\s+){0,6}(?:company|companies|firm|business|manager|owner|landlord|investor)s?\s+"
    r"(?:with|that\s+(?:has|have|manages?|owns?))\s+(?:at\s+least|a\s+minimum\s+of|minimum\s+of|no\s+fewer\s+than)\s+$",
    re.IGNORECASE,
)
# "Founded in 2004, the company now oversees...": an opening phrase before the sentence's subject
_INTRO = re.compile(r"^(?:founded|established|started|based|headquartered|since|in|today|now|currently|for|over|after|"
                    r"with|as|from|by)\b[^,;.]{0,60},(?:\s*\d{4},)?\s*", re.IGNORECASE)  # fmt: skip
# "We're just under 103 doors"
_WE_ARE = re.compile(r"\b(?:we're|we\s+are|i'm|i\s+am)\s+(?:[\w-]+\s+){0,3}$", re.IGNORECASE)
_HAVE = re.compile(r"\b(?:have|has|hold|holds|reached|surpassed|now\s+at)\s+(?:[\w-]+\s+){0,2}$", re.I)
_A_PERSON_HAS = re.compile(r"^\W*(?:he|she)\s+(?:now\s+|still\s+)?(?:has|owns|holds)\s+(?:[\w-]+\s+){0,2}$", re.I)
_COPYRIGHT = re.compile(r"(?:©|\(c\)|\bcopyright|&copy;)\s*(?:\d{4}\s*[-–]\s*)?$", re.IGNORECASE)


# "And they have more than 69,000 units": the sentence's subject is the firm named before
_FIRM_SUBJECT = re.compile(
    r"^\W*(?:and\s+|but\s+|today\s+|now\s+)?(?:they|it|the\s+(?:[a-z][\w-]*\s+){0,2}(?:firm|company|group|operator|"
    r"manager|landlord|reit))\b",
    re.IGNORECASE,
)
_AT_NAMED_PLACE = re.compile(r"^\s*at\s+(?P<place>(?:[Tt]he\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3})")
_NAME_POSSESSIVE = re.compile(
    r"(?P<owner>(?:[A-Z][\w&.-]*\s+){0,4}[A-Z][\w&.-]*)['’]s?\s+(?:(?:roughly|about|nearly|over|some|almost|"
    r"more\s+than|approximately)\s+)?$"
)


def _the_company_s(near_before: str, company: str | None) -> bool:
    """ "60 of Acme's 400 homes": the company's own, said with its name."""
    owner = _NAME_POSSESSIVE.search(near_before)
    return bool(owner and company and mentions(company, owner.group("owner")))


_ALL_OF_OURS = re.compile(
    r"^\s*of\s+(?:my|our|its|their)\s+|^\s*of\s+the\s+(?=[\w-]+\s+(?:in|under)\s+(?:my|our|its|their)\b)", re.I
)  # "all 1,250 of the homes in our portfolio"


def _all_of_ours(before: str, rest: str) -> tuple[str, str, str] | None:
    """ "all 125 of my rentals": every one the holder has, a total (not "125 of our homes are ...", a part)."""
    ours = _ALL_OF_OURS.match(rest)
    if not (ours and re.search(r"\ball\s+$", before, re.IGNORECASE)):
        return None
    noun = _noun_after(rest[ours.end() :])
    return (noun[0], noun[1], "all") if noun else None


def _a_year(before: str, rest: str, noun: tuple[str, str, str]) -> bool:
    """A four-digit number that is a date: "since 2004 homes...", "© 2026 True Rental Management"
    (the noun is a word of a capitalised name, not a count's noun)."""
    if _YEAR_BEFORE.search(before) or _COPYRIGHT.search(before):
        return True
    written = re.search(rf"\b{re.escape(noun[0])}", rest, re.IGNORECASE)
    return bool(written and written.group(0)[0].isupper())


def _vague_candidate(m: re.Match[str], c: _Context) -> UnitClaim | None:
    rest, before = c.sentence[m.end() :], c.sentence[: m.start()]
    noun = _noun_after(rest, c)
    if noun is None:
        return None
    after_noun = rest[rest.lower().find(noun[0]) + len(noun[0]) :]
    score = _score(before, rest, after_noun, noun, c)
    if score < THRESHOLD or re.search(r"\b(?:a|per|each)\s+(?:week|month|year|day)\b", after_noun[:30], re.I):
        return None
    claim = _make(int(m.group(1)), None, True, False, noun[1], c.original, "self", score=score)
    return claim.model_copy(update={"vague": True}) if claim else None


_HELD_BY = re.compile(
    r"^\s*(?:that|which)?\s*(?P<org>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,4}),?\s+(?:now\s+|currently\s+)?"
    r"(?:owns\s+(?:and|or)\s+(?:manages|operates)|manages|operates|oversees|owns)\b"
)


def _held_by_the_company(after_noun: str, company: str | None) -> bool:
    """A relative clause whose subject is the company and whose verb holds the count: its own portfolio."""
    m = _HELD_BY.match(after_noun)
    return bool(m and company and mentions(company, m.group("org")))


def _score(before: str, rest: str, after_noun: str, noun: tuple[str, str, str], c: _Context) -> float:
    """How surely this quantity is the company's own portfolio (see the module's docstring)."""
    near_before = before[-60:]
    window = f"{' '.join(before.split()[-10:])} {' '.join(rest.split()[:10])}"
    passive = bool(_PASSIVE.match(after_noun))
    holder = 0.0
    if c.first_person:
        holder = 2.0
    if c.named:
        holder = max(holder, 2.0)
    if c.after_mention and _ANAPHORA.search(c.sentence):
        holder = max(holder, 1.5)
    if re.match(r"^\W*(?:he|she|they)\b", c.sentence, re.IGNORECASE):
        holder = max(holder, 1.0)  # "She was managing 187 doors": the person's own business
    possessive = bool(_POSSESSIVE.search(before)) or _the_company_s(near_before, c.company)  # "the company's 880"
    grew_to = bool(_GREW_TO.search(before[-140:])) or noun[2] == "from"  # "grew from 100 properties to over 1,400"
    if c.subjectless or possessive or passive:
        holder = max(holder, 1.5)
    if grew_to or (_A_PORTFOLIO_OF.search(near_before) and not (c.other_org or c.other_before)):
        holder = max(holder, 1.5)  # "It has become a portfolio of 1,250 homes", on a page naming no other firm
    held = _held_by_the_company(after_noun, c.company)  # "the 3,000-plus units that Acme owns or manages"
    if held:
        holder = max(holder, 2.0)
    if holder == 0:
        return 0.0
    managed = 1.5 if possessive else 0.0
    if _MANAGE.search(window) or _MANAGE.search(before[-150:]) or passive:
        managed = 2.0
    if _PORTFOLIO_ADJ.match(rest) or _WITH.search(near_before) or _PORTFOLIO_OF.search(near_before) or held:
        managed = max(managed, 2.0)
    if grew_to or _TOTAL.search(near_before) or re.match(r"^\s*total\b", rest, re.IGNORECASE):
        managed = max(managed, 2.0)  # "18,000 total units"
    if _MAKE_UP.match(after_noun):
        holder, managed = max(holder, 1.5), max(managed, 2.0)  # "8,000 housing units ... make up its portfolio"
    if holder >= 1.5 and _OWNS.search(near_before[-30:]):
        managed = max(managed, 1.5)  # "it owned 112,000 beds": an owner-operator's own portfolio
    if _SERVED_OWNERS.search(near_before):
        managed = max(managed, 1.5)  # "Trusted by owners of 1,250 units": the units of the owners it serves
    if _OPEN_PAREN.search(before) and noun[2] == "noun" and c.named:  # "Asset Living (202,748 units)"
        managed = max(managed, 2.0)
    if noun[2] == "elliptic" and not (_MANAGE.search(before[-30:]) or grew_to):
        return 0.0  # a bare number takes an earlier noun only as the object of managing
    if noun[2] == "them":
        managed = max(managed, 1.0)
    if noun[2] == "all":
        managed = max(managed, 2.0)  # "all 125 of my rentals": everything the holder has
    if noun[1] == "doors" and (_HAVE.search(near_before[-40:]) or _WE_ARE.search(near_before)):
        managed = max(managed, 1.5)  # "we have over 500 doors": a door is a unit a manager is paid for
    if _A_PERSON_HAS.search(before) and noun[1] in ("units", "doors", "homes", "rentals"):
        managed = max(managed, 2.0)  # "He has more than 400 units across multiple towns": a landlord's own
    if (c.named or (c.after_mention and _FIRM_SUBJECT.match(c.sentence))) and re.search(
        r"\b(?:has|have)\s+(?:over|more\s+than|nearly|about|some)?\s*$", near_before[-30:]
    ):
        managed = max(managed, 1.5)  # "Timber Tops Cabin Rentals has over 300 log cabins": a rental firm's stock
    if managed == 0 and c.subjectless and noun[2] == "noun" and len(c.sentence) < 60:
        managed = 1.0  # "1,200 doors and counting", a short stat line
        if _BARE_STAT.fullmatch(c.sentence.strip()):
            managed = 1.5  # "About 1,250 doors.", "1,250 Homes.": a stat standing alone, a number and its noun
    penalty = 0.0
    client = _FOR_CLIENT.match(after_noun)
    if client and not (
        (c.company and is_ours(c.company, client.group("org"))) or _PLACE_WORD.search(client.group("org"))
    ):
        penalty += 3  # "3,400 units of public housing for the Chicago Housing Authority": one client's share
    if _OWNED_AFTER.match(after_noun) and not _PARTS_AFTER.match(after_noun) and not held:
        penalty += 3  # "the 122,000 apartments in which Insignia has an ownership interest"
    if _MANAGED_BY_OTHERS.match(after_noun):
        penalty += 4  # "I had 28 units with three different PMs": an investor's rentals, managed by others
    if _CONTAINED.search(near_before) and not re.search(r"\b(?:portfolio|our|its|their)\b", near_before):
        penalty += 3  # "the complexes, which comprise a total of 730 units": some properties, not the portfolio
    if re.match(r"^\s*(?:more|additional|new|extra)\b", rest):
        penalty += 5  # "11,000 more units": an increase, not a total
    if _DELTA.search(near_before) and not _GREW_TO.search(before[-140:]) and not _TOTAL.search(near_before):
        penalty += 5
    elif _GIVEN_UP.search(near_before):
        penalty += 5  # "it will cease management of 185 units": units it stops managing
    elif _DEAL.search(before[-160:]) and not (
        grew_to or _TOTAL.search(near_before) or _NOW.search(near_before[-45:]) or _MANAGED_NOW.search(near_before)
    ):
        penalty += 2  # "to acquire 80 communities across eight states, encompassing about 15,000 units"
    if re.search(r"\bfrom\s+(?:[a-z]+\s+){0,2}$", near_before, re.I) and re.search(r"\bto\s+(?:\w+\s+){0,3}\d", rest):
        penalty += 5  # "from 500 units in 2010 to 6,000": where it started, not what it holds
    if _PER_SUBJECT.search(before) or _GENERIC_LOAD.search(before):
        penalty += 5  # "Each manager at Acme handles 150 doors": one person's load
    if _OTHERS_TOTAL.search(before[-90:]):
        penalty += 4  # "50 firms with a combined 3.05 million units", "19 firms managing over 5000 units"
    if _KINDRED_FIRM.search(before):
        penalty += 5  # "Our sister company, Lone Star Realty, manages 3,000 units": a related firm's count
    if _RANGE_OF_OTHERS.search(near_before):
        penalty += 4  # "portfolios that range in size from 65 to 2,000 units": a spread, not a total
    if _KIND_WITH_MINIMUM.search(before[-120:]):
        penalty += 4
    itemised = re.search(r"\$|\bsquare\s+feet\b|\bsq\.?\s*ft\b", near_before)  # "$500 million in assets, including"
    if (_SUBSET.search(near_before[-25:]) and not itemised) or _UPPER_ONLY.search(near_before):
        penalty += 4
    rate = _RATE_AFTER.match(after_noun)
    if (
        rate
        and re.match(r"\s*(?:a|per|each|every|annually|monthly|weekly)\b", rate.group(0), re.I)
        and _HOLD.search(near_before[-50:])
    ):
        rate = None  # "we collect rent on 500 homes every month": how often the work is done on what it holds
    if _PER_LOAD.search(near_before[-30:]) or _PER_AFTER.match(after_noun) or rate:
        penalty += 5
    if (_HYPOTHETICAL.search(before[-50:]) and not c.first_person) or _HYPOTHETICAL.search(before[-25:]):
        penalty += 3
    if _ANY_COMPANY.search(before[-90:]) and not (c.named or c.first_person):
        penalty += 4  # "A property management company that manages 500 units ...": any firm, said in general
    at_place = _AT_NAMED_PLACE.match(after_noun)
    if at_place and not (c.company and mentions(c.company, at_place.group("place"))):
        penalty += 4  # "manages 312 units at The Palms, a senior community": one property's units
    if _LISTED_NOW.match(after_noun):
        penalty += 4  # "we have 38 properties available for rent": today's listings, not the portfolio
    if _OTHER_FIRMS_THAT.search(before[-90:]):
        penalty += 4  # "Unlike big-box firms that manage 50,000 units, we ...": others' count
    if _PLACE_HOLDS.search(near_before) or _regional_portfolio(near_before):
        penalty += 4  # "The city has 45,000 rental units", "Acme's Houston portfolio of 2,000 units": a place's
    share_of_ours = re.search(r"(?:%|\bpercent)\s+of\s+(?:our|its|their)\s+$", before[-25:], re.I)  # "98% of our 1,400"
    # a share after the noun is a fee unless it is a share of something else ("with 80% of the investors ...")
    said_after = re.split(r",|\bwith\b", after_noun, maxsplit=1)[0][:25]
    if re.search(r"%|\$|\bpercent\b|\bfees?\b", f"{before[-25:]} {said_after}", re.I) and not (
        (grew_to and not re.search(r"\$|\bfees?\b", before[-25:], re.I)) or share_of_ours
    ):
        penalty += 3  # a price or fee tier ("grown 20% to 960 units" is growth, not a fee)
    if _SINGLE_PLACE.match(rest) and not _PORTFOLIO_ADJ.match(rest):
        penalty += 5  # "a 200-unit community": one building
    if _property_size(near_before):
        penalty += 5  # "10% on properties with 1-4 units": the size of a kind of property, not a count held
    if (
        _PLACE_POSSESSIVE.search(near_before)
        or _ITS_PLACE.search(before)
        or ((named := _NAMED_PLACE_POSSESSIVE.search(near_before)) and not mentions(c.company, named.group(0)))
    ):
        penalty += 5  # "the property's 212 units", "the District’s 261 loft units": what one place holds
    lead = " ".join(before.split()[-3:])
    if (franchise := _FRANCHISE.search(lead)) and (
        _MANAGE.search(lead[franchise.end() :])
        or re.match(r"\s+(?:with|containing|comprising|totall?ing)\b", lead[franchise.end() :])
    ):
        lead = lead[franchise.end() :]  # "324 locations with over 60,000 units": places that hold the units
    if _FRANCHISE.search(f"{lead} {rest[: rest.lower().find(noun[0])]}"):  # "offices we manage 760 homes": not theirs
        penalty += 4  # "400 franchise units": franchised offices, not doors
    if c.other_org and not (c.named or c.first_person or c.after_mention):
        penalty += 3
    if (clause := _ORG_CLAUSE.search(before) or _NAME_PAREN_CLAUSE.search(before)) and not (
        c.company and is_ours(c.company, clause.group("org"))
    ):
        penalty += 4  # "... and Invitation Homes (which owned 84,697 homes)": that firm's clause
    if c.named and c.other_org and _other_nearer(before, c.company) and not _RAISED_TO.search(before[-160:]):
        penalty += 3  # "Michaels ... 44,500 units, followed by Dominium": the count of the firm named just before
    if c.other_before and not (c.named or c.first_person) and _ANAPHORA.search(before):
        penalty += 3  # "... says the co-CEO of Waypoint. The firm manages 15,000": the firm is Waypoint
    if _ONCE.match(c.sentence) and not _NOW.search(before):
        penalty += 4  # "Before the pandemic, the pair owned 96 units": a total held once
    whole = 1.0 if _WHOLE_AFTER.match(after_noun) else 0.0  # "owns 8,000 rental units nationwide": all of it
    return holder + managed + whole - penalty


# said after the noun: the count is the whole portfolio, not a city's share of it
_WHOLE_AFTER = re.compile(
    r"^\s*(?:nationwide|nationally|in\s+total|in\s+all|overall|company-?wide|across\s+the\s+(?:country|nation|"
    r"U\.?S\.?|United\s+States)|(?:across|in)\s+(?:\d+|[a-z]+)\s+states)\b",
    re.IGNORECASE,
)
_PROPERTY_WITH = re.compile(
    r"(?P<lead>\S+)\s+(?:propert(?:y|ies)|buildings?|complex(?:es)?|homes?|hoas|associations|communities)\s+"
    r"(?:with|of|having)\s+"
    r"(?:up\s+to\s+|between\s+|only\s+)?$",
    re.IGNORECASE,
)


def _property_size(near_before: str) -> bool:
    """ "properties with 1-4 units" sizes a kind of property; "20 buildings with 1,450 units" counts them."""
    m = _PROPERTY_WITH.search(near_before)
    return m is not None and not re.search(r"\d|vague|portfolio", m.group("lead"), re.IGNORECASE)


def _make(
    low: int, high: int | None, at_least: bool, about: bool, kind: str, original: str, basis: str, score: float = 0.0
) -> UnitClaim | None:
    if low > MAX_UNITS or (high is not None and (high < low or high > MAX_UNITS)):
        return None
    value = low
    qualifier: Qualifier = "exact"
    if high is not None:
        qualifier = "range"
    elif at_least or kind in _LOWER_KINDS:
        qualifier, high = "at_least", None
    elif about:
        qualifier = "about"
        low, high = int(value * 0.9), int(value * 1.1 + 0.5)
    else:
        high = value
    return UnitClaim(
        value=value, low=low, high=high, qualifier=qualifier, kind=kind, phrase=original[:300], basis=basis,
        score=score,
    )  # fmt: skip


def _number(digits: str | None, k: str | None) -> int | None:
    if not digits:
        return None
    try:
        number = float(digits.replace(",", ""))
    except ValueError:
        return None
    mult = 1
    if k and k.strip().lower() == "k":
        mult = 1000
    elif k and k.strip().lower() in ("m", "million"):
        mult = 1_000_000
    return round(number * mult)


def _amount(shown: str) -> int | None:
    """ "1,250", "4k+", "1.2k": a count as a stat or a data value shows it."""
    shape = re.fullmatch(r"\s*([\d,.]+)\s*([kK])?\s*\+?\s*", shown)
    return _number(shape.group(1), shape.group(2)) if shape else None


_STATED_TOTAL = re.compile(r"\b(?:total|in\s+all|altogether|combined|overall)\b", re.IGNORECASE)


def _sum_enumeration(claims: list[UnitClaim], normal: str, original: str) -> list[UnitClaim]:
    """ "We manage 112 single family properties, 10 duplexes, 5 fourplexes and 12 retail
    properties": one portfolio told in parts is their sum."""
    exact = [c for c in claims if c.qualifier in ("exact", "at_least") and c.value == c.low and not c.vague]
    exact = [c for c in exact if c.qualifier == "exact" or c.kind in _LOWER_KINDS]
    if len(exact) < 3 or len(exact) != len(claims) or not re.search(r",|\band\b", normal):
        return claims
    if _STATED_TOTAL.search(normal):
        return claims  # "... brings it to 9,300 units and its total reaches 50,000": the whole is told, not its parts
    kinds = {c.kind for c in exact}
    if "units" in kinds and kinds & _LOWER_KINDS:
        return claims  # "2,400 communities and 660,000 apartment units": two levels, not parts of one whole
    total = sum(c.value for c in exact)
    whole = _make(total, None, False, False, "properties", original, exact[0].basis, score=exact[0].score)
    return [whole] if whole else claims


_LABEL = re.compile(
    r"^(?:total\s+)?(?:units|doors|homes|properties|rentals|apartments|residences)\s*(?:managed|under\s+management|"
    r"we\s+manage|in\s+our\s+portfolio)?\s*:?$|^(?:portfolio(?:\s+size)?|under\s+management|doors\s+managed|"
    r"units\s+managed|homes\s+managed|properties\s+managed|rentals\s+managed|managed\s+(?:units|doors|homes|"
    r"properties))\s*:?$",
    re.IGNORECASE,
)
_JSON_KEY = re.compile(
    r"[\"']?(?P<key>(?:units|doors|homes|properties|rentals)_?(?:managed|under_management)|portfolio_size|"
    r"doors|units_managed|rentals_managed)[\"']?\s*[:=]\s*[\"']?(?P<num>[\d,.]+\s*[kK]?\s*\+?)",
    re.IGNORECASE,
)
_STAT_PAIR = re.compile(
    r"(?:figure|value|number|stat|count)\s*:\s*['\"](?P<num>[\d,.]+\s*[kK]?\s*\+?)['\"]\s*,\s*"
    r"(?:label|title|text|caption)\s*:\s*['\"](?P<label>[^'\"]{2,80})['\"]"
)
_LABEL_COLON = re.compile(
    rf"\b(?P<label>(?:total\s+)?(?:units|doors|homes|properties|rentals|apartments)\s+(?:managed|under\s+management)|"
    rf"portfolio(?:\s+size)?|under\s+management)\s*[:\-–—]\s*(?P<over>over|more than)?\s*(?P<num>{_NUM})\s*(?P<k>[kK])?"
    r"\s*(?P<plus>\+)?\s*(?P<noun>[A-Za-z][A-Za-z -]{0,30})?",
    re.IGNORECASE,
)
_STRUCTURE_SCORE = 5.0


def _structured(block: Block, page: PageText) -> list[UnitClaim]:
    out: list[UnitClaim | None] = []
    for m in _LABEL_COLON.finditer(block.text):
        label = re.sub(r"^(?:total\s+)", "", m.group("label"), flags=re.I)
        noun = _noun_after(m.group("noun") or "") or _noun_after(label)
        value = _number(m.group("num"), m.group("k"))
        if value:
            at_least = bool(m.group("plus") or m.group("over"))
            kind = noun[1] if noun else "units"
            out.append(_make(value, None, at_least, False, kind, m.group(0).strip(), "structure", _STRUCTURE_SCORE))
    for m in _JSON_KEY.finditer(block.text):
        value = _amount(m.group("num"))
        if value:
            out.append(_make(value, None, "+" in m.group("num"), False, "units", block.text, "structure",
                             _STRUCTURE_SCORE))  # fmt: skip
    for m in _STAT_PAIR.finditer(block.text):
        label = m.group("label")
        noun = _noun_after(label)
        if noun and (_MANAGE.search(label) or _LABEL.match(label.strip())):
            value = _amount(m.group("num"))
            if value:
                out.append(_make(value, None, "+" in m.group("num"), False, noun[1], m.group(0), "structure",
                                 _STRUCTURE_SCORE))  # fmt: skip
    if _unit_label(block.text):
        out.extend(_label_value(block, page))
    if inline := _LABEL_THEN_NUMBER.fullmatch(block.text.strip()):  # "Doors managed 1,250": a stat's two spans
        label = inline.group("label")  # it must say managed: "units: 80" is one building's
        if _says_managed(label) and _unit_label(label) and (value := _number(inline.group("num"), inline.group("k"))):
            kind = (_noun_after(label) or ("", "units", ""))[1]
            out.append(_make(value, None, bool(inline.group("plus")), False, kind, block.text, "structure",
                             _STRUCTURE_SCORE))  # fmt: skip
    number_only = _number_only(block.text)
    if number_only:
        out.extend(_number_then_label(block, page, number_only))
    return [c for c in out if c is not None]


_LABEL_THEN_NUMBER = re.compile(rf"(?P<label>[A-Za-z][A-Za-z /&-]{{3,50}}?)\s*[:\-–]?\s*(?:over|more than)?\s*"
                                rf"(?P<num>{_NUM})\s*(?P<k>[kK])?\s*(?P<plus>\+)?", re.IGNORECASE)  # fmt: skip


def _unit_label(text: str) -> bool:
    """A stat's label: a short line naming a unit noun as managed ("Rental homes managed", "Doors
    under management", "Units in our portfolio")."""
    text = text.strip()
    if len(text) >= 60 or re.search(r"\d", text):
        return False
    return bool(_LABEL.match(text)) or bool(_noun_after(_bare_label(text)) and _says_managed(text))


def _says_managed(label: str) -> bool:
    return bool(_MANAGE.search(label) or re.search(r"\bmanaged\b", label, re.I))


def _bare_label(label: str) -> str:
    """ "Total doors", "Portfolio size: homes": the label without the words that only frame it."""
    return re.sub(r"^(?:total|portfolio(?: size)?|under management)\W*", "", label, flags=re.I)


def _label_value(label: Block, page: PageText) -> list[UnitClaim | None]:
    """ "Doors managed" with its number in the next block of the same group."""
    for other in page.neighbours(label, 1):
        m = _number_only(other.text)
        # in a row of stats whose blocks sit in sibling containers, a label with a number just before it is that
        # number's ("1,200" / "Units managed" / "310" / "Owners served"), not the next one's
        apart = other.group != label.group and not _number_only(_text(page.before(label)))
        if label.tag in ("td", "th") and other.group != label.group:
            continue  # a table cell's value is in its row (or its column: _table_columns)
        if m and (other.group == label.group or apart) and other.index > label.index:
            value = _number(m.group(1), m.group(2))
            noun = _noun_after(_bare_label(label.text))
            at_least = bool(m.group(3)) or "over" in other.text.lower()
            quote = f"{label.text}: {other.text}"
            kind = noun[1] if noun else "units"
            return [_make(value, None, at_least, False, kind, quote, "structure", _STRUCTURE_SCORE)] if value else []
    return []


def _number_then_label(number: Block, page: PageText, m: re.Match[str]) -> list[UnitClaim | None]:
    """A stats block: "1,200+" with "Doors under management" beside it."""
    for other in page.neighbours(number, 1):
        label = other.text.strip()
        if len(label) > 60 or other.index < number.index:
            continue
        above = page.before(number)
        labels_above = above is not None and above.tag == other.tag and not _number_only(above.text)
        if other.group != number.group and (
            _unit_label(_text(above)) or (labels_above and _number_only(_text(page.after(other))))
        ):
            continue  # "Founded" / "2014" / "Units managed" / "147": across containers a label above is its number's
        if number.tag == "dd" or other.tag == "dt":
            continue  # a definition list labels what follows: "Founded / 2004 / Units managed / 124"
        noun = _noun_after(label)
        if noun and (_says_managed(label) or _LABEL.match(label)):
            value = _number(m.group(1), m.group(2))
            at_least = bool(m.group(3)) or "over" in number.text.lower()
            about = bool(re.match(_ABOUT_WORD, number.text.strip(), re.IGNORECASE))
            quote = f"{number.text} {label}"
            return [_make(value, None, at_least, about, noun[1], quote, "structure", _STRUCTURE_SCORE)] if value else []
    return []


def _number_only(text: str) -> re.Match[str] | None:
    return re.fullmatch(rf"(?:over|more than|{_ABOUT_WORD})?\s*({_NUM})\s*([kK])?\s*(\+)?", text.strip(), re.IGNORECASE)


_ABOUT_WORD = r"~|about|approximately|approx\.|roughly|around|nearly|almost"  # "~1,250" over "Homes Managed"


def _text(block: Block | None) -> str:
    return block.text if block else ""


def _unique(claims: Iterable[UnitClaim]) -> list[UnitClaim]:
    seen: dict[tuple[int, str, str], UnitClaim] = {}
    for c in claims:
        seen.setdefault((c.low, c.kind, c.phrase), c)
    return list(seen.values())


def best_claim(claims: list[UnitClaim]) -> UnitClaim | None:
    """The claim that says most about the portfolio: a stated number before a vague amount, units
    (doors, homes) before properties before communities, then the surest, then the largest
    proven lower bound, exact before approximate."""
    if not claims:
        return None
    order = {"exact": 0, "range": 1, "at_least": 2, "about": 3}
    return max(
        claims,
        key=lambda c: (
            not c.vague,
            not c.association,
            not c.secondary,
            -_KIND_RANK.get(c.kind, 1),
            c.score >= THRESHOLD + 1,
            c.low,
            -order[c.qualifier],
        ),
    )
