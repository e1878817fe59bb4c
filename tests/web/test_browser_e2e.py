"""End to end in Debian's Chromium: the path a person takes, from the start page to the PDF.

Start -> the form (R-ISS II, MRD positive) -> results -> another time span -> a number's source
-> the evidence page showing that entry and its citation -> the PDF summary with the profile and
the questions. Every test runs with the offline route handler of ``conftest.page``.
"""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def _norm(text: str) -> str:
    """Lower case, one space between words, no soft hyphens: for comparing page and PDF text."""
    text = text.replace("\u00ad", "").replace("\u2019", "'").replace("\ufb01", "fi").replace("\ufb02", "fl")
    return re.sub(r"\s+", " ", text).strip().lower()


def _glance(page) -> dict[str, str]:
    """The first layer: option name -> the text of its card."""
    cards = page.locator("#answer article.option-card")
    out = {}
    for i in range(cards.count()):
        card = cards.nth(i)
        out[card.locator("h3").inner_text().strip()] = " | ".join(
            t.strip() for t in card.locator("dd").all_inner_texts())
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
    page.wait_for_url(re.compile(r"/results$"))
    assert page.locator("h1").inner_text().startswith("Your results")
    details = _norm(page.locator(".based-on").inner_text())
    assert "r-iss stage" in details and "stage ii" in details and "mrd positive" in details

    at_5 = _glance(page)
    assert len(at_5) >= 2, at_5
    assert any(re.search(r"\d", v) for v in at_5.values())
    assert "5 years" in page.locator("h1").inner_text()

    page.select_option("#years", "2")
    page.locator("form.horizon button[type=submit]").click()
    page.wait_for_url(re.compile(r"/results$"))
    assert "2 years" in page.locator("h1").inner_text()
    at_2 = _glance(page)
    assert at_2.keys() == at_5.keys()
    assert at_2 != at_5, "changing the time span did not change the numbers"
    # the answers are kept with the new time span
    assert "stage ii" in _norm(page.locator(".based-on").inner_text())


def test_number_links_to_its_evidence_and_citation(page, live_server, app, enter):
    """Lenalidomide's hazard ratio for progression on the results page -> its bracketed source
    -> the source list -> the evidence file page, which shows the same hazard ratio (and its
    interval) and the citation."""
    enter(page, live_server)
    page.goto(f"{live_server}/results")
    page.locator("#layer-options > summary").click()
    page.locator("#layer-sources > summary").click()
    article = page.locator("article[aria-labelledby=opt-lenalidomide]")
    article.get_by_text("Living without the myeloma coming back, and living longer").click()
    item = article.locator("li", has_text="Hazard ratio for progression")
    shown = re.search(r"progression vs no maintenance: (\d\.\d\d) \((\d\.\d\d) to (\d\.\d\d)\)",
                      item.inner_text())
    assert shown, item.inner_text()
    hr, lower, upper = shown.groups()
    link = item.locator("sup.refs a").first
    ref = link.get_attribute("href")
    assert ref.startswith("#ref-")
    link.click()
    assert page.evaluate("() => location.hash") == ref
    source = page.locator(f"li{ref}")
    assert source.is_visible()
    evidence_link = source.get_by_role("link", name=re.compile(r"^Evidence file "))
    href = evidence_link.get_attribute("href")
    file_id = re.match(r"/evidence/([^#?]+)", href).group(1)
    ev = app.state.services.evidence_file(file_id)
    assert ev is not None, href
    published = [c for c in ev.comparisons if c.measure == "HR" and c.endpoint.upper() == "PFS"
                 and c.estimate.value is not None and f"{c.estimate.value:.2f}" == hr]
    assert published, f"{file_id} has no PFS HR {hr}: the results page number is not the study's"

    study = published[0].estimate
    # an HR taken straight from one study is shown with its published 95% CI
    assert (float(lower), float(upper)) == (study.lower, study.upper)

    evidence_link.click()
    page.wait_for_url(re.compile(rf"/evidence/{re.escape(file_id)}"))
    text = _norm(page.locator("main").inner_text())
    assert hr in text, f"the evidence page does not show the hazard ratio {hr}"
    assert f"{study.lower:.2f}" in text and f"{study.upper:.2f}" in text
    cited = [_norm(c.citation) for c in ev.sources]
    assert any(c[:60] in text for c in cited), "the evidence page does not show the citation"
    if "#" in href:  # the link lands on the source's citation
        target = page.locator(f"[id='{href.split('#', 1)[1]}']")
        assert target.count() == 1, f"no element with id {href}"
        assert any(c[:60] in _norm(target.inner_text()) for c in cited), target.inner_text()


def test_pdf_summary_has_profile_and_questions(page, live_server, enter):
    enter(page, live_server)
    page.goto(f"{live_server}/results")
    questions = [q.strip() for q in page.locator("section[aria-labelledby=questions-title] li").all_inner_texts()]
    assert questions
    link = page.get_by_role("link", name=re.compile("PDF"))
    assert link.get_attribute("href") == "/summary.pdf"
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
