"""Reading level of the patient-facing text: Flesch-Kincaid grade <= 8 on every page that a
patient reads (textstat 0.7.4, pinned because later versions fetch a dictionary at run time).

The text is what a person sees, taken from the server-rendered HTML with BeautifulSoup: the start
page, the help text of the form, the first layer of the results page (the answer), its plain-language
summary, the what-if box, the options not shown, the dose notes, the printable summary, "About
this tool" and "How to read this". Tables of numbers, citations (the bracketed source numbers and the list of sources),
option names, the footer and the notes marked "for your care team" (``.technical``: dose steps and
the evidence's own wording, written for clinicians) are left out: they are data, not prose. Each block (paragraph,
heading, list item) is one sentence for the formula, so a heading never runs into the text
after it. ``python -m pytest tests/web/test_reading_level.py -s`` prints the grades.
"""

from __future__ import annotations

import re

import pytest
import textstat
from bs4 import BeautifulSoup

from mmdecide.web import Settings, create_app

MAX_GRADE = 8.0
PROFILE = {"age": "62", "sex": "female", "r_iss": "II", "mrd": "positive", "response": "VGPR"}
BLOCKS = ["h1", "h2", "h3", "p", "li", "dt", "dd", "legend", "label", "figcaption", "summary"]


@pytest.fixture(scope="module")
def client():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as c:
        assert c.post("/profile", data=PROFILE).status_code == 200  # the answers kept in the session
        c.post("/results", data={"years": "5"})
        yield c


def _soup(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    soup = BeautifulSoup(response.text, "html.parser")
    for junk in soup.select("script, style, svg, table, sup.refs, .sources-section, .site-footer, "
                            ".technical, [hidden], [aria-hidden=true]"):
        junk.decompose()
    return soup


def _prose(nodes) -> str:
    """The text of the innermost blocks under ``nodes``, one sentence each."""
    out: list[str] = []
    for node in nodes:
        blocks = [node] if node.name in BLOCKS else node.find_all(BLOCKS)
        for b in blocks:
            if b.find(BLOCKS):  # only the innermost blocks, so no text is counted twice
                continue
            text = re.sub(r"\s+", " ", b.get_text(" ")).strip()
            if not text:
                continue
            out.append(text if text[-1] in ".?!:" else text + ".")
    return " ".join(out)


def start_text(client) -> str:
    return _prose(_soup(client, "/").select("main"))


def form_help_text(client) -> str:
    """The form's own words: the introduction, the notice and the help under each question (not
    the short labels, which would lower the grade, nor the answer choices, which are names of
    tests, stages and drugs)."""
    main = _soup(client, "/profile").select_one("main")
    return _prose(main.select(":scope > p, .help"))


def results_answer_text(client) -> str:
    """The first layer of the results page: the answer for this person."""
    return _prose(_soup(client, "/results").select("#answer"))


def results_plain_text(client) -> str:
    return _prose(_soup(client, "/results").select("section[aria-labelledby=plain-title]"))


def results_help_text(client) -> str:
    """The boxes to change what is shown, the what-if help, the options not shown and how the
    answers change the numbers."""
    soup = _soup(client, "/results")
    return _prose(soup.select("#choose .help, #choose legend, #layer-not-offered li, #see-why > p, "
                              "#layer-effects > p, #layer-effects li"))


def summary_text(client) -> str:
    main = _soup(client, "/summary").select_one("main")
    for name in main.select("#summary-side-effects"):  # side effects and percentages: data
        name.decompose()
    return _prose([main])


def about_text(client) -> str:
    return _prose(_soup(client, "/about").select("main"))


def how_to_read_text(client) -> str:
    return _prose(_soup(client, "/how-to-read").select("main"))


PAGES = {
    "start": start_text,
    "form help": form_help_text,
    "results (the answer)": results_answer_text,
    "results (plain summary)": results_plain_text,
    "results (what-if, options)": results_help_text,
    "summary": summary_text,
    "about this tool": about_text,
    "how to read this": how_to_read_text,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_reading_grade_at_most_8(client, name):
    text = PAGES[name](client)
    words = textstat.lexicon_count(text)
    assert words >= 40, f"{name}: only {words} words of text found"
    grade = textstat.flesch_kincaid_grade(text)
    print(f"\n{name}: Flesch-Kincaid grade {grade:.1f} ({words} words)")
    if grade > MAX_GRADE:
        sentences = re.split(r"(?<=[.?!:])\s+", text)
        hardest = sorted(sentences, key=lambda s: -textstat.flesch_kincaid_grade(s))[:5]
        pytest.fail(f"{name}: Flesch-Kincaid grade {grade:.1f} > {MAX_GRADE}; hardest sentences: {hardest}")
