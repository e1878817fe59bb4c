"""The high-risk answer and the blood-count comparison, as a person sees them in Chromium.

A profile with high-risk features (R-ISS III, del(17p)) and current blood counts (the reader's
hemoglobin 11.5 g/dL) is entered through the form's POST; the results page then shows, in the
browser, the high-risk section with its credibility flags and the label's blood-count levels beside
the person's counts. Each section is opened as a reader would (its ``<details>``), must be visible,
have every citation marker resolve to a listed source on the page, and pass axe-core (WCAG 2.1 A
and AA) with no serious or critical violation.
"""

from __future__ import annotations

import pytest

HIGH_RISK_WITH_COUNTS = {"age": "62", "r_iss": "III", "cytogenetics": "del17p", "mrd": "positive",
                         "hemoglobin_g_dl": "11.5", "neutrophils_10e9_l": "0.8", "platelets_10e9_l": "180"}
STANDARD_WITH_COUNTS = {"age": "62", "r_iss": "I", "cytogenetics": "none-found",
                        "hemoglobin_g_dl": "11.5", "neutrophils_10e9_l": "2.1", "platelets_10e9_l": "180"}

AXE_ON = """async (selector) => {
  const r = await axe.run(selector, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                     resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.id + ': ' + v.help);
}"""


def _results(page, base: str, form: dict) -> None:
    r = page.request.post(base + "/profile", form=form, max_redirects=0)
    assert r.status == 303, r.status
    assert page.goto(base + "/results").status == 200


def _open(page, selector: str) -> str:
    """Open every ``<details>`` holding or inside the section (as a reader clicking them), scroll it
    into view and return its visible text."""
    section = page.locator(selector)
    assert section.count() == 1, selector
    page.evaluate("""(sel) => { const s = document.querySelector(sel);
        for (let d = s.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
        s.querySelectorAll('details').forEach(d => d.open = true); }""", selector)
    section.scroll_into_view_if_needed()
    assert section.is_visible(), selector
    return " ".join(section.inner_text().split())


def _citations_resolve(page, selector: str) -> int:
    """Every citation link in the section points at an element on the page; returns how many."""
    hrefs = page.eval_on_selector_all(f"{selector} a[href^='#']", "els => els.map(e => e.getAttribute('href'))")
    missing = [h for h in hrefs if page.locator(f"[id='{h[1:]}']").count() == 0]
    assert not missing, missing
    return len(hrefs)


def test_high_risk_profile_with_blood_counts_in_chromium(page, live_server, axe_source):
    _results(page, live_server, HIGH_RISK_WITH_COUNTS)
    risk = _open(page, "#high-risk")
    assert "del(17p)" in risk and "R-ISS III" in risk
    assert {"Randomized subgroup", "Single-arm or cohort", "Guideline summary"} <= set(
        page.locator("#high-risk strong.credibility").all_inner_texts())
    harms = _open(page, "#harms-detail")
    assert "neutrophil count (0.8 x 10^9/L) is below the label's level of 1 x 10^9/L" in harms
    assert "platelet count (180 x 10^9/L)" in harms and "hemoglobin (11.5 g/dL)" in harms
    assert "not a recommendation" in harms
    assert _citations_resolve(page, "#high-risk") > 0 and _citations_resolve(page, "#harms-detail") > 0
    page.evaluate(axe_source)
    for selector in ("#high-risk", "#harms-detail"):
        assert page.evaluate(AXE_ON, selector) == [], selector


@pytest.mark.parametrize("form", [STANDARD_WITH_COUNTS])
def test_standard_risk_profile_sees_counts_but_no_high_risk_answer(page, live_server, form):
    _results(page, live_server, form)
    assert page.locator("#high-risk").count() == 0
    harms = _open(page, "#harms-detail")
    assert "neutrophil count (2.1 x 10^9/L)" in harms and "hemoglobin (11.5 g/dL)" in harms
