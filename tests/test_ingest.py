"""Ingest: kinds detected by content, decoding, normalisation and the offset map."""

from __future__ import annotations

import json

import pytest

from kg.errors import KgInputError
from kg.ingest import ingest, ingest_bytes, normalise
from kg.models import InputKind
from tests.conftest import EXAMPLE

TEXT = (
    "Human Rights Council\n\n28/2. A title\n\nThe Human Rights Council,\n\nRecalling its resolution 6/17,\n"
)


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("co\u00adoperation", "cooperation"),
        ("\u201cquoted\u201d and \u2018single\u2019", "\"quoted\" and 'single'"),
        ("C\u00f4te d\u2019Ivoire", "C\u00f4te d'Ivoire"),
        ("\ufb01nancial", "financial"),
        ("non-\n\nselectivity", "non-selectivity"),
        ("Non-Self-\nGoverning", "Non-Self-Governing"),
        ("a\u00a0b", "a b"),
        ("line\r\nnext", "line\nnext"),
    ],
)
def test_ingest_normalise_table(raw: str, norm: str) -> None:
    assert normalise(raw)[0] == norm


@pytest.mark.parametrize(
    "raw",
    [
        "co\u00adoperation of the \ufb01nancial non-\n\nselectivity \u201cx\u201d\r\nend",
        "plain text",
        "\ufb03\ufb03 a\u00adb",
    ],
)
def test_ingest_offsets_point_back_to_raw(raw: str) -> None:
    norm, m = normalise(raw)
    for i in range(len(norm)):
        for j in range(i + 1, min(len(norm), i + 6) + 1):
            a, b = m.to_raw(i, j)
            assert 0 <= a <= b <= len(raw)
            # the raw slice, normalised, gives back the normalised slice
            assert (
                normalise(raw[a:b])[0].replace("\n", "") == norm[i:j].replace("\n", "")
                or len(normalise(raw[a:b])[0]) >= j - i
            )


def test_ingest_ocr_export_header() -> None:
    (src,) = ingest(EXAMPLE)
    assert src.kind is InputKind.OCR_EXPORT
    header = dict(src.header)
    assert header["Session"].startswith("28th Regular Session")
    assert header["Topic"] == "International Cooperation"
    assert src.text == EXAMPLE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("data", "warns"),
    [
        (TEXT.encode("utf-8"), False),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), False),
        (TEXT.encode("utf-16"), False),
        ((TEXT + "caf\u00e9 \u2019").encode("cp1252"), True),
    ],
)
def test_ingest_encodings(data: bytes, warns: bool) -> None:
    (src,) = ingest_bytes(data, path="x.txt")
    assert src.text.startswith("Human Rights Council")
    assert src.kind is InputKind.TEXT
    assert bool(src.warnings) is warns


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "E101"),
        (b"   \n\n", "E101"),
        (b"abc\x00def", "E102"),
        (json.dumps({"title": "no text"}).encode(), "E104"),
        (b'{"text": ', "E105"),
        (b"%PDF-1.4 broken", "E106"),
    ],
)
def test_ingest_bad_input_names_the_file(data: bytes, code: str) -> None:
    with pytest.raises(KgInputError) as exc:
        ingest_bytes(data, path="bad.json")
    assert exc.value.code == code
    assert "bad.json" in str(exc.value)


def test_ingest_pdf_without_text_layer() -> None:
    import io

    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    with pytest.raises(KgInputError) as exc:
        ingest_bytes(buf.getvalue(), path="scan.pdf")
    assert exc.value.code == "E103"


def test_ingest_json_record() -> None:
    data = json.dumps({"symbol": "A/RES/1/1", "text": TEXT}).encode()
    (src,) = ingest_bytes(data, path="r.json")
    assert src.kind is InputKind.JSON
    assert src.text == TEXT
    assert dict(src.record)["symbol"] == "A/RES/1/1"
