"""End to end in Debian's Chromium: the path a person takes, from the start page to the PDF.

Start -> the form (R-ISS II, MRD positive) -> results -> another time span -> a number's source
-> the evidence page showing that entry and its citation -> the PDF summary with the profile and
the questions. Every test runs with the offline route handler of ``conftest.page``.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

def _norm(text: str) -> str:
    """Lower case, one space between words, no soft hyphens: for comparing page and PDF text."""
    text = text.replace("\u00ad", "").replace("\u2019", "'").replace("\ufb01", "fi").replace("\ufb02", "fl")
    return re.sub(r"\s+", " ", text).strip().lower()


def _glance(page) -> dict[str, str]:
    """The 'At a glance' table: option row header -> the text of its row."""
    rows = page.locator("#glance tbody tr")
    out = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        out[row.locator("th").inner_text().strip()] = " | ".join(
            t.strip() for t in row.locator("td").all_inner_texts())
    return out


def fill_form(page) -> None:
    page.fill("#input-age", "62")
    page.check("input[name=r_iss][value=II]")
    page.check("input[name=mrd][value=positive]")
    page.check("input[name=response][value=VGPR]")


def test_start_to_results_and_time_span(page, live_server):
    page.goto(live_server + "/")
    assert page.locator("h1").count() == 1
    page.get_by_role("link", name=re.compile(r"^Start: tell us about you")).click()
    page.wait_for_url(re.compile(r"/profile$"))
    assert page.locator("h1").inner_text().strip() == "About you"

    fill_form(page)
    page.get_by_role("button", name="Show my results").click()
    page.wait_for_url(re.compile(r"/results\?"))
    url = page.url
    assert "r_iss=II" in url and "mrd=positive" in url and "age=62" in url
    assert page.locator("h1").inner_text().startswith("Your results")
    details = _norm(page.locator("section[aria-labelledby=details-title]").inner_text())
    assert "r-iss stage" in details and "stage ii" in details and "mrd positive" in details

    at_5 = _glance(page)
    assert len(at_5) >= 2, at_5
    assert any(re.search(r"\d", v) for v in at_5.values())
    assert "5 years" in page.locator("h1").inner_text()

    page.select_option("#years", "2")
    page.locator("form.horizon button[type=submit]").click()
    page.wait_for_url(re.compile(r"years=2"))
    assert "2 years" in page.locator("h1").inner_text()
    at_2 = _glance(page)
    assert at_2.keys() == at_5.keys()
    assert at_2 != at_5, "changing the time span did not change the numbers"
    # the profile travels with the time span
    assert "r_iss=II" in page.url and "mrd=positive" in page.url


def test_number_links_to_its_evidence_and_citation(page, live_server, app, profile_query):
    page.goto(f"{live_server}/results?{profile_query}&years=5")
    # the first hazard ratio of the first maintenance option: a number taken from one study
    cell_link = page.locator("#glance tbody td sup.refs a").first
    assert cell_link.count() == 1, "no source link beside the numbers of the results table"
    ref = cell_link.get_attribute("href")
    assert ref.startswith("#ref-")
    cell_link.click()
    item = page.locator(f"li{ref}")
    what = item.locator("strong").first.inner_text().strip()
    item_text = item.inner_text()
    evidence_link = item.get_by_role("link", name=re.compile(r"^Evidence file "))
    href = evidence_link.get_attribute("href")
    file_id = re.match(r"/evidence/([^#?]+)", href).group(1)
    ev = app.state.services.evidence_file(file_id)
    assert ev is not None, href

    evidence_link.click()
    page.wait_for_url(re.compile(rf"/evidence/{re.escape(file_id)}"))
    text = _norm(page.locator("main").inner_text())
    # the citation of the source, as the results page gave it
    citation = item_text.split(what, 1)[1].strip(" .")
    first_author = citation.split(",")[0].split(" (")[0]
    assert _norm(first_author) in text, (first_author, href)
    source_citations = [s.citation for s in ev.sources]
    assert any(_norm(c)[:60] in text for c in source_citations), "the evidence page does not show the citation"
    # the entry ("PFS HR lenalidomide vs control" and its value) is on the evidence page
    values = _entry_values(ev, what)
    assert values, f"cannot find the entry {what!r} in evidence file {file_id}"
    assert any(v in text for v in values), (what, values)
    # the #source anchor lands on an element of the page
    if "#" in href:
        anchor = href.split("#", 1)[1]
        assert page.locator(f"[id='{anchor}']").count() == 1, f"no element with id {anchor}"


def _entry_values(ev, what: str) -> list[str]:
    """Formatted values of the evidence entry a citation names (e.g. an HR as '0.48')."""
    data = ev.model_dump(mode="json")
    found: list[str] = []

    def fmt(x) -> list[str]:
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            return []
        return sorted({f"{x:g}", f"{x:.2f}", f"{x:.1f}", f"{x:.0f}"})

    def walk(node) -> None:
        if isinstance(node, dict):
            for key in ("value", "estimate", "hr", "percent", "n"):
                v = node.get(key)
                if isinstance(v, dict) and "value" in v:
                    v = v["value"]
                found.extend(fmt(v))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(data)
    return found


def test_pdf_summary_has_profile_and_questions(page, live_server, profile_query):
    page.goto(f"{live_server}/results?{profile_query}&years=5")
    questions = [q.strip() for q in page.locator("section[aria-labelledby=questions-title] li").all_inner_texts()]
    assert questions
    link = page.get_by_role("link", name=re.compile("PDF"))
    assert "/summary.pdf?" in link.get_attribute("href")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = _norm(" ".join(p.extract_text() or "" for p in reader.pages))
    assert "r-iss" in text and "stage ii" in text, "the PDF does not show the R-ISS stage"
    assert "mrd positive" in text, "the PDF does not show the MRD result"
    assert "62" in text
    for q in questions:
        words = _norm(q).split()
        start = " ".join(words[: min(6, len(words))])
        assert start in text, f"question missing from the PDF: {q!r}"
    assert "not medical advice" in text
