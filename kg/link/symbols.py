"""Cited documents: citation phrases and printed symbols -> canonical UN symbols.

"Council resolution 25/3" -> ``A/HRC/RES/25/3``; "its resolution 69/179, the General Assembly"
-> ``A/RES/69/179``; "resolutions 2001/5 of ... and 2002/68" -> one symbol each;
"A/CONF.189/12 and Corr.1" -> two documents. Rules: ``../shared/gold/README.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

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
    r"Assembly|Commission|its|their)\s+)?(?P<kind>[Rr]esolutions?|[Dd]ecisions?)\s+"
)
_ITEM = re.compile(
    r"(?P<special>E?S-)?(?P<a>\d{1,4})/(?P<b>\d{1,4})(?:\s[A-Z](?![\w/]))?"
    r"|(?P<n>\d{1,4})\s(?:[A-Z]\s)?\((?P<paren>[IVXL]+|\d{4}|[A-Z]{1,3}-[IVXL]+)\)"
)
_RIGHT_OWNER = re.compile(
    r"^\s*,?\s*(?:adopted\s+)?(?:on\s+\d{1,2}\s+\w+\s+\d{4}\s*,?\s*)?the\s+(General Assembly|Assembly|"
    r"Human Rights Council|Council|Commission on Human Rights|Commission|Security Council|"
    r"Economic and Social Council)\b"
)
_LEFT_OWNER = re.compile(
    r"\b(General Assembly|Assembly|Human Rights Council|Council|Commission on Human Rights|Commission|"
    r"Security Council|Economic and Social Council),?\s+(?:in|by|through|under)\s+(?:its|their)\s*$"
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
    dec = kind.lower().startswith("decision")
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


_CONTEXT_OWNER = re.compile(
    r"(?:resolutions?|decisions?)\s+(?:adopted\s+by|of)\s+the\s+"
    r"(General Assembly|Assembly|Human Rights Council|Council|Commission on Human Rights|Commission|"
    r"Security Council|Economic and Social Council)\b"
)


def _squash(text: str) -> tuple[str, list[int]]:
    """``text`` with white-space runs as one space, and the original index of each character."""
    out: list[str] = []
    idx: list[int] = []
    prev_space = False
    for i, c in enumerate(text):
        if c.isspace():
            if prev_space:
                continue
            c, prev_space = " ", True
        else:
            prev_space = False
        out.append(c)
        idx.append(i)
    idx.append(len(text))
    return "".join(out), idx


def _owner_word(word: str) -> str:
    return HRC if word == "Council" else OWNER_WORDS[word]


def _owner_of(word: str | None, text: str, start: int, end: int, adopting: str) -> str | None:
    """The owner a citation names, or ``None`` when it names none (bare "resolution 2005/59")."""
    if word and word not in ("its", "their"):
        owner = OWNER_WORDS[word]
        if word == "Commission" and adopting == GA:
            owner = CHR
        return owner
    if word in ("its", "their"):
        right = _RIGHT_OWNER.match(_squash(text[end : end + 160])[0])
        if right:
            return _owner_word(right.group(1))
        left = _LEFT_OWNER.search(_squash(text[max(0, start - 100) : start + len(word)])[0])
        if left:
            return _owner_word(left.group(1))
        return adopting
    return None


def _context_owner(text: str, start: int, floor: int | None) -> str | None:
    """An owner named earlier in the same paragraph: "all resolutions of the Commission on Human
    Rights on ..., the last of which was resolution 2005/59"."""
    lo = max(0, start - 400) if floor is None else max(floor, start - 600)
    window = text[lo:start]
    cut = max(window.rfind(";"), window.rfind(". "), -1 if floor is not None else window.rfind("\n\n"))
    window = _squash(window[cut + 1 :])[0]
    found = list(_CONTEXT_OWNER.finditer(window))
    return _owner_word(found[-1].group(1)) if found else None


def parse_citation(
    text: str,
    start: int,
    end: int,
    *,
    adopting: str,
    resolver: Resolver = default_resolver,
    inherited: str | None = None,
    paragraph_start: int | None = None,
) -> Iterator[tuple[str, int, int]]:
    """Symbols named by a citation phrase ``text[start:end]``, with the offsets of each number.

    ``inherited`` is the owner of a citation just before this one ("Council decision 18/120 ... and
    resolutions 24/14"), used when this one names none; ``paragraph_start`` bounds the search for
    an owner named earlier in the paragraph.

    >>> t = "the latest of which being Council resolution 25/3 of 27 March 2014 and more"
    >>> list(parse_citation(t, 26, 66, adopting=HRC))
    [('A/HRC/RES/25/3', 45, 49)]
    >>> t = "Recalls that, in its resolution 69/179, the General Assembly requested"
    >>> list(parse_citation(t, 17, 38, adopting=HRC))
    [('A/RES/69/179', 32, 38)]
    """
    phrase, idx = _squash(text[start:end])
    head = _HEAD.match(phrase)
    if not head:
        return
    owner_word = head.group("owner")
    kind = head.group("kind")
    owner = _owner_of(owner_word, text, start, end, adopting)
    if owner is None:
        owner = inherited or _context_owner(text, start, paragraph_start) or adopting
    for m in _ITEM.finditer(phrase, head.end()):
        if m.group("a"):
            number, paren, special = f"{m.group('a')}/{m.group('b')}", "", m.group("special") or ""
        else:
            number, paren, special = m.group("n"), m.group("paren"), ""
        item_owner = owner
        if not owner_word and paren and re.fullmatch(r"\d{4}", paren):
            item_owner = SC
        yield (
            resolver(item_owner, kind, number, paren, special),
            start + idx[m.start()],
            start + idx[m.end() - 1] + 1,
        )


def citation_owner(text: str, start: int, end: int, *, adopting: str) -> str | None:
    """The owner a citation phrase resolves to (for the next phrase to inherit)."""
    phrase = _squash(text[start:end])[0]
    head = _HEAD.match(phrase)
    if not head:
        return None
    return _owner_of(head.group("owner"), text, start, end, adopting)


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
