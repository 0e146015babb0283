"""A real browser on ``kg serve``: headless Chromium (the system one, driven by Playwright) opens a
resolution page, follows a citation to the cited resolution's page, and runs a query from the
query page. Screenshots go to ``$KG_ARTEFACTS`` (default ``.artefacts/`` at the repository root).

Needs Debian's ``chromium`` and the ``playwright`` package (never ``playwright install``: the
system browser is used). Without them the test is skipped, or fails under ``KG_REQUIRE_SERVERS=1``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import FIXTURES, ROOT, kg, served

if TYPE_CHECKING:
    from playwright.sync_api import Route

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium calls hosts that a closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BASE = "https://w3id.org/unres/"
# A/RES/79/113 cites A/RES/78/100 (in data/): the sample alone has no resolution citing another one
CITING = FIXTURES / "A_RES_79_113.json"
PREFIXES = """PREFIX cito: <http://purl.org/spar/cito/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX unres: <https://w3id.org/unres/ontology#>
"""


@pytest.fixture(scope="session")  # session: checked before the session's sample store is built
def chromium() -> Path:
    """The system Chromium; skip (or fail, under KG_REQUIRE_SERVERS=1) without it or Playwright."""
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"{CHROMIUM} (apt-get install chromium chromium-driver)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package (pip install playwright; no browser download needed)")
    if missing:
        reason = "a real-browser test needs " + " and ".join(missing)
        if os.environ.get("KG_REQUIRE_SERVERS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="module")
def artefacts() -> Path:
    folder = Path(os.environ.get("KG_ARTEFACTS") or ROOT / ".artefacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def server(chromium: Path, sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``kg serve`` on a free port, over the sample store plus a resolution citing one of it."""
    store = tmp_path_factory.mktemp("browser") / "store"
    shutil.copytree(sample_store, store)
    kg("build", str(CITING), "--store", str(store), "-q")
    with served(store) as url:
        yield url


def select(server: str, query: str) -> list[dict[str, str]]:
    r = httpx.post(
        server + "/sparql",
        content=PREFIXES + query,
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        timeout=30,
    )
    r.raise_for_status()
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def local(iri: str) -> str:
    assert iri.startswith(BASE), iri
    return "/" + iri[len(BASE) :]


def test_browser_resolution_citation_and_query(chromium: Path, server: str, artefacts: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    # a resolution citing another resolution of the store, found by SPARQL
    pairs = select(
        server,
        """SELECT ?r ?symbol ?title ?d ?cited ?cited_title WHERE {
          ?r a unres:Resolution ; dcterms:identifier ?symbol ; dcterms:title ?title ; cito:cites ?d .
          ?d a unres:Resolution ; dcterms:identifier ?cited ; dcterms:title ?cited_title .
          FILTER(?r != ?d) } ORDER BY ?symbol ?cited LIMIT 1""",
    )
    assert pairs, "no resolution in the store cites another resolution of the store"
    pair = pairs[0]
    citing, cited = local(pair["r"]), local(pair["d"])
    paragraphs = int(
        select(
            server,
            f"""SELECT (COUNT(?p) AS ?n) WHERE {{ <{pair["r"]}> eli:has_part ?p .
            ?p a ?kind FILTER(?kind IN (unres:PreambularParagraph, unres:OperativeParagraph)) }}""",
        )[0]["n"]
    )
    assert paragraphs > 0

    outside: list[str] = []  # requests to any host but the server: none is allowed
    errors: list[str] = []  # script errors and console errors

    def guard(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.route("**/*", guard)
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
            page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)

            # 1. the resolution page: symbol, title, paragraphs, the citation in text and in the list
            response = page.goto(server + citing)
            assert response is not None and response.status == 200
            expect(page).to_have_title(f"{pair['symbol']} — {pair['title']}")
            expect(page.locator("h1")).to_have_text(pair["symbol"])
            expect(page.locator("h2")).to_have_text(pair["title"])
            expect(page.locator("ol.paras > li")).to_have_count(paragraphs)
            expect(page.locator("h3", has_text="Operative paragraphs")).to_be_visible()
            expect(page.locator(f'#cites + ul a[href="{cited}"]')).to_have_text(pair["cited"])
            citation = page.locator(f'ol.paras a.m[href="{cited}"]').first
            expect(citation).to_be_visible()  # the citation highlighted in a paragraph
            page.screenshot(path=artefacts / "browser-1-resolution.png", full_page=True)

            # 2. follow the citation to the cited resolution's page, which links back
            citation.click()
            expect(page).to_have_url(server + cited)
            expect(page.locator("h1")).to_have_text(pair["cited"])
            expect(page.locator("h2")).to_have_text(pair["cited_title"])
            expect(page.locator("ol.paras > li").first).to_be_visible()
            expect(page.locator(f'#cited-by + ul a[href="{citing}"]')).to_have_text(pair["symbol"])
            page.screenshot(path=artefacts / "browser-2-cited.png", full_page=True)

            # 3. the query page: type a query, run it, read the JSON results the browser shows
            page.goto(server + "/sparql")
            query = page.locator("textarea[name=query]")
            expect(query).to_be_visible()
            query.fill(
                PREFIXES + "SELECT ?cited WHERE {\n"
                f'  ?r dcterms:identifier "{pair["symbol"]}" ; cito:cites/dcterms:identifier ?cited\n'
                "} ORDER BY ?cited"
            )
            page.locator("select[name=format]").select_option("json")
            page.screenshot(path=artefacts / "browser-3-query.png", full_page=True)
            page.get_by_role("button", name="Run query").click()
            page.wait_for_url("**/sparql?*")
            assert "format=json" in page.url
            results = json.loads(page.locator("pre").first.inner_text())
            cited_symbols = [b["cited"]["value"] for b in results["results"]["bindings"]]
            assert pair["cited"] in cited_symbols and cited_symbols == sorted(cited_symbols)
            page.screenshot(path=artefacts / "browser-4-results.png", full_page=True)

            # 4. the same query as an HTML table, for people, with the IRIs linked to their pages
            page.go_back()
            page.locator("select[name=format]").select_option("html")
            page.get_by_role("button", name="Run query").click()
            page.wait_for_url("**format=html*")
            cells = page.locator("#result-table td").all_inner_texts()
            assert pair["cited"] in cells and cells == sorted(cells)
            page.screenshot(path=artefacts / "browser-5-table.png", full_page=True)
        finally:
            browser.close()

    assert not outside, f"the pages asked for outside hosts: {outside}"
    assert not errors, errors
