"""Cited documents: citation phrases and printed symbols -> canonical UN symbols.

"Council resolution 25/3" -> ``A/HRC/RES/25/3``; "its resolution 69/179, the General Assembly"
-> ``A/RES/69/179``; "resolutions 2001/5 of ... and 2002/68" -> one symbol each;
"A/CONF.189/12 and Corr.1" -> two documents. Rules: ``../shared/gold/README.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from kg.lexicon import MONTH_RE

HRC, GA, SC, ECOSOC, CHR, SUBCOM = (
    "Human Rights Council",
    "General Assembly",
    "Security Council",
    "Economic and Social Council",
    "Commission on Human Rights",
    "Sub-Commission",
)
OWNER_WORDS = {
    "Human Rights Council": HRC,
    "Council": HRC,
    "General Assembly": GA,
    "Assembly": GA,
    "Security Council": SC,
    "Economic and Social Council": ECOSOC,
    "Commission on Human Rights": CHR,
    "Commission": CHR,
    "Sub-Commission on the Promotion and Protection of Human Rights": SUBCOM,
}
_HEAD = re.compile(
    r"^(?:(?P<owner>Human Rights Council|General Assembly|Security Council|Economic and Social Council|"
    r"Commission on Human Rights|Sub-Commission on the Promotion and Protection of Human Rights|Council|"
    r"Assembly|Commission|its|their)\s+)?(?P<kind>resolutions?|decisions?)\s+"
)
_ITEM = re.compile(
    r"(?P<special>E?S-)?(?P<a>\d{1,4})/(?P<b>\d{1,4})(?:\s[A-Z](?![\w/]))?"
    r"|(?P<n>\d{1,4})\s(?:[A-Z]\s)?\((?P<paren>[IVXL]+|\d{4}|[A-Z]{1,3}-[IVXL]+)\)"
)
_DATE_OF = re.compile(rf"\s+of\s+\d{{1,2}}\s+(?:{MONTH_RE})\s+\d{{4}}")
_RIGHT_OWNER = re.compile(
    r"^\s*,?\s*(?:adopted\s+)?(?:on\s+\d{1,2}\s+\w+\s+\d{4}\s*,?\s*)?the\s+(General Assembly|Assembly|"
    r"Human Rights Council|Council|Commission on Human Rights|Commission|Security Council|"
    r"Economic and Social Council)\b"
)
_LEFT_OWNER = re.compile(
    r"\b(General Assembly|Assembly|Human Rights Council|Council|Commission on Human Rights|Commission|"
    r"Security Council|Economic and Social Council)\s+(?:in|by|through|under)\s+(?:its|their)\s*$"
)

Resolver = Callable[[str, str, str, str, str], str]


def default_resolver(owner: str, kind: str, number: str, paren: str, special: str) -> str:
    """The canonical symbol of a resolution or decision, given its owner and number parts.

    ``number`` is "25/3" or "497"; ``paren`` the parenthesised session or year ("III", "1981");
    ``special`` is "S-" or "ES-" when the number carries it.

    >>> default_resolver(HRC, "resolution", "25/3", "", "")
    'A/HRC/RES/25/3'
    >>> default_resolver(GA, "resolution", "217", "III", "")
    'A/RES/217(III)'
    >>> default_resolver(SC, "resolution", "497", "1981", "")
    'S/RES/497(1981)'
    >>> default_resolver(CHR, "resolution", "2001/5", "", "")
    'E/CN.4/RES/2001/5'
    """
    dec = kind.startswith("decision")
    if paren:
        if re.fullmatch(r"\d{4}", paren):
            return f"S/RES/{number}({paren})"
        if owner == ECOSOC:
            return f"E/RES/{number}({paren})"
        return f"A/RES/{number}({paren})"
    first = number.split("/")[0]
    year_based = len(first) == 4 and 1946 <= int(first) <= 2099
    if owner == HRC and year_based:
        owner = ECOSOC  # "Council resolution 1989/64" in an HRC text is the Economic and Social Council's
    if owner == SUBCOM:
        return f"E/CN.4/Sub.2/RES/{number}"
    if owner == CHR:
        return f"E/CN.4/{'DEC' if dec else 'RES'}/{number}"
    if owner == ECOSOC:
        return f"E/{'DEC' if dec else 'RES'}/{number}"
    if owner == GA:
        return f"A/{'DEC' if dec else 'RES'}/{special}{number}"
    if owner == SC:
        return f"S/RES/{number}"
    return f"A/HRC/{'DEC' if dec else 'RES'}/{special}{number}"


def _owner_of(word: str | None, text: str, start: int, end: int, adopting: str) -> str:
    if word and word not in ("its", "their"):
        owner = OWNER_WORDS[word]
        if word == "Council" and adopting not in (HRC,):
            # a bare "Council resolution" in a General Assembly text: the HRC unless said otherwise
            owner = HRC
        if word == "Commission" and adopting == GA:
            owner = CHR
        return owner
    if word in ("its", "their"):
        right = _RIGHT_OWNER.match(text[end : end + 120])
        if right:
            return OWNER_WORDS[right.group(1)] if right.group(1) != "Council" else HRC
        left = _LEFT_OWNER.search(text[max(0, start - 80) : start + len(word)])
        if left:
            return OWNER_WORDS[left.group(1)] if left.group(1) != "Council" else HRC
    return adopting


def parse_citation(
    text: str, start: int, end: int, *, adopting: str, resolver: Resolver = default_resolver
) -> Iterator[tuple[str, int, int]]:
    """Symbols named by a citation phrase ``text[start:end]``, with the offsets of each number.

    >>> t = "the latest of which being Council resolution 25/3 of 27 March 2014 and more"
    >>> list(parse_citation(t, 26, 66, adopting=HRC))
    [('A/HRC/RES/25/3', 45, 49)]
    >>> t = "Recalls that, in its resolution 69/179, the General Assembly requested"
    >>> list(parse_citation(t, 17, 38, adopting=HRC))
    [('A/RES/69/179', 32, 38)]
    """
    phrase = text[start:end]
    head = _HEAD.match(phrase)
    if not head:
        return
    owner_word = head.group("owner")
    kind = head.group("kind")
    # for "its", the clause after the whole list names the owner
    owner = _owner_of(owner_word, text, start, end, adopting)
    for m in _ITEM.finditer(phrase, head.end()):
        if m.group("a"):
            number, paren, special = f"{m.group('a')}/{m.group('b')}", "", m.group("special") or ""
        else:
            number, paren, special = m.group("n"), m.group("paren"), ""
        # a number that is really a date inside "of 18 April 2001" never matches _ITEM
        item_owner = owner
        if not owner_word and paren and re.fullmatch(r"\d{4}", paren):
            item_owner = SC
        yield resolver(item_owner, kind, number, paren, special), start + m.start(), start + m.end()


_SUFFIX = re.compile(r"\s+and\s+((?:Corr|Add|Rev)\.\d+)$")
_JOINT = re.compile(r"^(.+?\d)-(S/\d{4}/\d+)$")


def parse_symbol(text: str, start: int) -> Iterator[tuple[str, int, int]]:
    """Normalise a printed symbol; "X and Corr.1" and joint "A/67/828-S/2013/210" give two.

    >>> list(parse_symbol("A/CONF.189/12 and Corr.1", 0))
    [('A/CONF.189/12', 0, 13), ('A/CONF.189/12/Corr.1', 0, 24)]
    >>> list(parse_symbol("A/HRC/19/50.", 0))
    [('A/HRC/19/50', 0, 11)]
    """
    s = text.rstrip(".,;:")
    end = start + len(s)
    suffix = _SUFFIX.search(s)
    if suffix:
        base = s[: suffix.start()].rstrip(".")
        yield base, start, start + len(base)
        yield f"{base}/{suffix.group(1)}", start, end
        return
    joint = _JOINT.match(s)
    if joint:
        a = joint.group(1)
        yield a, start, start + len(a)
        yield joint.group(2), start + len(a) + 1, end
        return
    yield " ".join(s.split()), start, end


def parse_prst(text: str, start: int) -> tuple[str, int, int]:
    """A Human Rights Council President's statement: "PRST/15/2" -> ``A/HRC/PRST/15/2``."""
    number = text[5:].strip()
    return f"A/HRC/PRST/{number}", start, start + len(text)
