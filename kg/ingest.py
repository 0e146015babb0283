"""Ingest: files (OCR exports, clean text, JSON records, PDF) -> ``SourceDocument``.

The text as ingested is kept whole; the later stages read a normalised copy (no-break spaces,
soft hyphens, ligatures, smart quotes, hyphenation at line ends) through an ``OffsetMap``, so
every fact they extract points at code-point offsets of the text as ingested.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg import errors
from kg.errors import KgInputError
from kg.models import InputKind, OffsetMap, SourceDocument

SUFFIXES = (".txt", ".text", ".json", ".pdf")

# One-for-one replacements: same length, so the offset map stays the identity for them.
_ONE_FOR_ONE = str.maketrans(
    {
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2011": "-",
        "\u2010": "-",
        "\t": " ",
        "\r": "\n",
        "\f": "\n",
        "\v": "\n",
    }
)
_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
# Length-changing edits: soft hyphens and zero-width characters go, CRLF becomes LF, ligatures
# expand, and a word broken at a line end ("non-\n\nselectivity") is joined (the hyphen stays:
# in UN texts it is almost always a real compound hyphen).
_EDITS = re.compile(
    r"(?P<drop>[\u00ad\u200b\u200c\u200d\ufeff])"
    r"|(?P<crlf>\r\n)"
    r"|(?P<lig>[\ufb00-\ufb06])"
    r"|(?P<hyph>(?<=[A-Za-z])-[ \t]*\r?\n(?:[ \t]*\r?\n)?[ \t]*(?=[A-Za-z]))"
)
# The largest document text accepted, in bytes as an N-Quads literal (UTF-8, escaped). The text is
# kept whole in the graph (unres:text of the source) and a document's graph is validated and written
# as one unit, so a build takes about 180 bytes of memory per byte of text (1.4 GB at this limit).
# Oxigraph's parsers take no token over 16 MiB, so no literal may come near that either. The longest
# resolutions in the corpora are about 400 kB: a text 20 times longer is not one resolution.
MAX_TEXT_BYTES = 8_000_000
_ESCAPED = re.compile(r'["\\\b\t\n\f\r]')  # written as two characters: \" \n ...
_CONTROL = re.compile(r"[\x00-\x07\x0b\x0e-\x1f\x7f]")  # written as six: \u0000
_HEADER_KEYS = ("Document Type", "Date", "Session", "Agenda Item", "Topic")
_HEADER_LINE = re.compile(r"^(Document Type|Date|Session|Agenda Item|Topic)\s*:\s*(.*)$")


def normalise(raw: str) -> tuple[str, OffsetMap]:
    """Normalise ``raw`` and return the copy with its map back to ``raw``.

    >>> norm, m = normalise("co\\u00adoperation \\u201cfull\\u201d \\ufb01nal")
    >>> norm
    'cooperation "full" final'
    >>> m.to_raw(19, 24)
    (20, 24)
    """
    parts: list[str] = []
    norm_starts: list[int] = []
    raw_starts: list[int] = []
    identity: list[bool] = []
    pos = 0  # raw position consumed so far
    out = 0  # normalised length so far

    def run(raw_at: int, text: str, same: bool) -> None:
        nonlocal out
        if not text:
            return
        norm_starts.append(out)
        raw_starts.append(raw_at)
        identity.append(same)
        parts.append(text)
        out += len(text)

    for m in _EDITS.finditer(raw):
        if m.start() > pos:
            run(pos, raw[pos : m.start()], True)
        kind = m.lastgroup
        if kind == "crlf":
            run(m.start() + 1, "\n", True)
        elif kind == "lig":
            run(m.start(), _LIGATURES[m.group()], False)
        elif kind == "hyph":
            run(m.start(), "-", True)
        pos = m.end()
    if pos < len(raw):
        run(pos, raw[pos:], True)
    norm = "".join(parts).translate(_ONE_FOR_ONE)
    if len(norm_starts) == 1 and raw_starts[0] == 0 and identity[0]:
        return norm, OffsetMap()
    return norm, OffsetMap(tuple(norm_starts), tuple(raw_starts), tuple(identity))


def decode(data: bytes, *, path: str) -> tuple[str, tuple[str, ...]]:
    """Decode bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252 with a warning."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), ()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ()
        except UnicodeDecodeError as exc:
            raise KgInputError(errors.E_BINARY, path, f"UTF-16 BOM but invalid UTF-16: {exc}") from exc
    if b"\x00" in data:
        at = data.index(b"\x00")
        raise KgInputError(
            errors.E_BINARY,
            path,
            f"binary content: NUL byte at byte {at}",
            "give a text, JSON or PDF file; UTF-16 text needs a byte-order mark",
        )
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as exc:
        text = data.decode("cp1252", errors="replace")
        return text, (f"{path}: not UTF-8 (byte {exc.start}); decoded as cp1252",)


def literal_bytes(text: str) -> int:
    """The size of ``text`` as an N-Quads literal's content: UTF-8, with escapes.

    >>> literal_bytes('a "b"\\n\\u00e9\\x01')  # 9 bytes of UTF-8, 3 escapes, a control
    17
    """
    n = len(text.encode("utf-8"))
    return n + len(_ESCAPED.findall(text)) + 5 * len(_CONTROL.findall(text))


def _check_size(text: str, path: str) -> None:
    # a character takes at least one byte: count the bytes only when the characters fit
    if len(text) > MAX_TEXT_BYTES or literal_bytes(text) > MAX_TEXT_BYTES:
        raise KgInputError(
            errors.E_TOO_LARGE,
            path,
            f"the text is too large for one document: {len(text):,} characters (at most "
            f"{MAX_TEXT_BYTES:,} bytes; the longest resolutions take about 400,000)",
            "is it several documents in one file? give one file per resolution, or a JSON list of records",
        )


def _check_text(text: str, path: str) -> None:
    if not text.strip():
        raise KgInputError(errors.E_EMPTY, path, "the document holds no text", "is it the right file?")
    _check_size(text, path)
    controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\n\r\t\f\v")
    if controls > 8:
        raise KgInputError(
            errors.E_BINARY, path, f"binary content: {controls} control characters in the first 4 KiB"
        )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _text_kind(text: str) -> tuple[InputKind, tuple[tuple[str, str], ...]]:
    header: list[tuple[str, str]] = []
    lines = text.lstrip("\ufeff").splitlines()
    seen = 0
    for i, line in enumerate(lines[:40]):
        m = _HEADER_LINE.match(line.strip())
        if m:
            value = m.group(2).strip()
            # a value wrapped onto the next non-blank line ("Agenda Item: ... Human\n\nRights and ...")
            for nxt in lines[i + 1 : i + 4]:
                s = nxt.strip()
                if not s:
                    continue
                if _HEADER_LINE.match(s) or s.startswith("GE."):
                    break
                if m.group(1) == "Agenda Item" and not s.startswith(
                    ("Human Rights Council", "General Assembly")
                ):
                    value = f"{value} {s}"
                break
            header.append((m.group(1), value))
            seen += 1
    if seen >= 2 and any(k == "Document Type" for k, _ in header):
        return InputKind.OCR_EXPORT, tuple(header)
    return InputKind.TEXT, ()


def _from_text(text: str, *, path: str, sha: str, warnings: tuple[str, ...]) -> SourceDocument:
    _check_text(text, path)
    kind, header = _text_kind(text)
    norm, offsets = normalise(text)
    return SourceDocument(path, kind, sha, text, norm, offsets, header=header, warnings=warnings)


def _from_json(obj: object, *, path: str, sha: str) -> Iterator[SourceDocument]:
    records = obj if isinstance(obj, list) else [obj]
    for i, rec in enumerate(records):
        where = path if len(records) == 1 else f"{path}#{i}"
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
            raise KgInputError(
                errors.E_JSON_NO_TEXT,
                where,
                "JSON record without a string 'text' field",
                'a record needs at least {"text": "..."}',
            )
        text = rec["text"]
        _check_text(text, where)
        meta = tuple(
            (k, str(v) if not isinstance(v, list) else "; ".join(map(str, v)))
            for k, v in rec.items()
            if k in ("symbol", "title", "agenda_items", "filename", "date")
        )
        norm, offsets = normalise(text)
        yield SourceDocument(where, InputKind.JSON, sha, text, norm, offsets, record=meta)


def _from_pdf(data: bytes, *, path: str, sha: str) -> SourceDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise KgInputError(errors.E_PDF_UNREADABLE, path, f"cannot read the PDF: {exc}") from exc
    text = "\n\n".join(p.strip("\n") for p in pages)
    _check_size(text, path)
    if not text.strip():
        raise KgInputError(
            errors.E_PDF_NO_TEXT,
            path,
            f"the PDF has no text layer ({len(pages)} pages, probably scanned)",
            "run OCR first (for example ocrmypdf) or give the text",
        )
    norm, offsets = normalise(text)
    return SourceDocument(path, InputKind.PDF, sha, text, norm, offsets)


# A text longer than this is several resolutions in one file (the longest real one has about
# 400,000 characters): it is cut into documents where a resolution opens (``document_starts`` in
# kg/data/segment.json), so each is built, validated and written on its own, in bounded memory.
SPLIT_ABOVE = 1_000_000
_MIN_PART = 2_000


@cache
def _document_starts() -> re.Pattern[str]:
    from kg.lexicon import data_json

    return re.compile(
        "|".join(f"(?:{p})" for p in data_json("segment.json")["document_starts"]), re.MULTILINE
    )


def split_documents(text: str) -> list[tuple[int, int]]:
    r"""Spans of the resolutions in a text that holds several, cut where each one opens.

    A text of one resolution gives one span, the whole text. A cut closer than 2,000 characters
    to the previous one (a repeated header) is not made.

    >>> t = "United Nations\nA/RES/1/1\n" + "x" * 3000 + "\nUnited Nations\nA/RES/1/2\n" + "y" * 3000
    >>> split_documents(t)
    [(0, 3026), (3026, 6051)]
    """
    cuts = [0]
    for m in _document_starts().finditer(text):
        if m.start() - cuts[-1] >= _MIN_PART:
            cuts.append(m.start())
    cuts.append(len(text))
    return [(a, b) for a, b in itertools.pairwise(cuts) if text[a:b].strip()]


def _cut_note(path: str, count: int) -> str:
    where = f"{path}#0 ... #{count - 1}"
    return f"{path}: more than one resolution: cut into {count} documents where each opens ({where})"


def _split_text(text: str, *, path: str, sha: str, warnings: tuple[str, ...]) -> tuple[SourceDocument, ...]:
    spans = split_documents(text) if len(text) > SPLIT_ABOVE else [(0, len(text))]
    if len(spans) == 1:
        return (_from_text(text, path=path, sha=sha, warnings=warnings),)
    note = _cut_note(path, len(spans))
    return tuple(
        _from_text(text[a:b], path=f"{path}#{k}", sha=sha, warnings=(*warnings, note) if k == 0 else warnings)
        for k, (a, b) in enumerate(spans)
    )


@dataclass(frozen=True)
class Part:
    """One resolution of a large UTF-8 text file: its bytes ``start:end`` (read when it is
    processed, so that only one part at a time is in memory)."""

    path: str
    index: int
    count: int
    start: int
    end: int
    sha256: str


def plan_parts(data: bytes, *, path: str) -> tuple[Part, ...] | None:
    """The parts of a large UTF-8 text file holding several resolutions, or ``None`` when the
    file is one document (or not UTF-8 text: then it is ingested whole)."""
    if data.lstrip()[:5] == b"%PDF-" or data.lstrip()[:1] in (b"{", b"["):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(text) <= SPLIT_ABOVE:
        return None
    spans = split_documents(text)
    if len(spans) < 2:
        return None
    sha, parts, at = _sha256(data), [], len(text[: spans[0][0]].encode("utf-8"))
    for k, (a, b) in enumerate(spans):
        size = len(text[a:b].encode("utf-8"))
        parts.append(Part(path, k, len(spans), at, at + size, sha))
        at += size
    return tuple(parts)


def ingest_part(part: Part) -> SourceDocument:
    """Read and ingest one part of a large file (see ``plan_parts``)."""
    with open(part.path, "rb") as f:
        f.seek(part.start)
        text = f.read(part.end - part.start).decode("utf-8")
    where = f"{part.path}#{part.index}"
    warnings = (_cut_note(part.path, part.count),) if part.index == 0 else ()
    return _from_text(text, path=where, sha=part.sha256, warnings=warnings)


def ingest_bytes(data: bytes, *, path: str) -> tuple[SourceDocument, ...]:
    """Read one file's bytes, whatever the kind, detected by content.

    Raises:
        KgInputError: for empty, binary or unreadable input, naming ``path``.
    """
    if not data.strip():
        raise KgInputError(errors.E_EMPTY, path, "the file is empty", "is it the right file?")
    sha = _sha256(data)
    if data.lstrip()[:5] == b"%PDF-":
        return (_from_pdf(data, path=path, sha=sha),)
    text, warnings = decode(data, path=path)
    stripped = text.lstrip("\ufeff \r\n\t")
    if stripped[:1] in "{[":
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError as exc:
            if path.lower().endswith(".json"):
                raise KgInputError(
                    errors.E_JSON_INVALID, path, f"invalid JSON at line {exc.lineno}, column {exc.colno}"
                ) from exc
        else:
            return tuple(_from_json(obj, path=path, sha=sha))
    return _split_text(text, path=path, sha=sha, warnings=warnings)


def ingest(path: str | Path) -> tuple[SourceDocument, ...]:
    """Read one file into source documents (a JSON file may hold a list of records)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError as exc:
        raise KgInputError(errors.E_NOT_FOUND, str(p), "no such file") from exc
    except IsADirectoryError as exc:
        raise KgInputError(errors.E_NOT_FOUND, str(p), "is a directory") from exc
    return ingest_bytes(data, path=str(p))


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Files to build from: each file given, and every input file under each folder given.

    The order is sorted, so that when the same resolution comes twice, the later one in sorted
    argument order wins whatever the number of workers.
    """
    found: list[Path] = []
    for item in paths:
        p = Path(item)
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES))
        else:
            found.append(p)
    seen: set[Path] = set()
    unique = []
    for f in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique
