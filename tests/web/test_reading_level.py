"""Reading level of the patient-facing text: Flesch-Kincaid grade <= 8 on every page that a
patient reads (textstat 0.7.4, pinned because later versions fetch a dictionary at run time).

The text is what a person sees, taken from the server-rendered HTML with BeautifulSoup: the start
page, the help text of the form, the first layer of the results page (the answer), its plain-language
summary, the what-if box, the options not shown, every layer of the results page (for a profile
without and with high-risk changes), the printable summary, "About this tool" and "How to read
this". Tables of numbers, citations (the bracketed source numbers and the list of sources), option
names and the footer are left out: they are data, not prose. Text written for clinicians (dose
steps, the evidence's own wording) is left out too, and only when it is a closed block labelled
"For your care team" placed after its plain version, which is measured:
``test_text_left_out_is_a_closed_care_team_block_after_its_plain_version`` fails on any other
(so hard text cannot hide in an exclusion). Each block (paragraph, heading, list item) is one
sentence for the formula, so a heading never runs into the text after it.
``python -m pytest tests/web/test_reading_level.py -s`` prints the grades.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from mmdecide.web import Settings, create_app

MAX_GRADE = 8.0
PROFILE = {"age": "62", "sex": "female", "r_iss": "II", "mrd": "positive", "response": "VGPR"}
HIGH_RISK = {**PROFILE, "cytogenetics": ["del17p", "t4-14"]}
BLOCKS = ["h1", "h2", "h3", "p", "li", "dt", "dd", "legend", "label", "figcaption", "summary"]


def _client(profile):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as c:
        assert c.post("/profile", data=profile).status_code == 200  # the answers kept in the session
        c.post("/results", data={"years": "5"})
        yield c


@pytest.fixture(scope="module")
def client():
    yield from _client(PROFILE)


@pytest.fixture(scope="module")
def high_risk_client():
    yield from _client(HIGH_RISK)


#: Data, not prose: left out of the measure.
DATA = "script, style, svg, table, sup.refs, .sources-section, .site-footer, [hidden], [aria-hidden=true]"
#: Written for clinicians: left out of the measure, only as a closed, labelled block (see the test below).
CARE_TEAM = "details.technical"


def _soup(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    soup = BeautifulSoup(response.text, "html.parser")
    for junk in soup.select(f"{DATA}, {CARE_TEAM}"):
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


def results_every_layer_text(client) -> str:
    """Every layer of the results page, opened: the cards, the pictures' keys, the dose, duration,
    side effects, the harms and high-risk sections, the plain summary."""
    return _prose(_soup(client, "/results").select("main"))


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
    "results (every layer)": results_every_layer_text,
    "summary": summary_text,
    "about this tool": about_text,
    "how to read this": how_to_read_text,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_reading_grade_at_most_8(client, name, textstat):
    text = PAGES[name](client)
    words = textstat.lexicon_count(text)
    assert words >= 40, f"{name}: only {words} words of text found"
    grade = textstat.flesch_kincaid_grade(text)
    print(f"\n{name}: Flesch-Kincaid grade {grade:.1f} ({words} words)")
    if grade > MAX_GRADE:
        sentences = re.split(r"(?<=[.?!:])\s+", text)
        hardest = sorted(sentences, key=lambda s: -textstat.flesch_kincaid_grade(s))[:5]
        pytest.fail(f"{name}: Flesch-Kincaid grade {grade:.1f} > {MAX_GRADE}; hardest sentences: {hardest}")


@pytest.mark.parametrize("which", ["client", "high_risk_client"])
def test_each_layer_of_the_results_page_at_most_grade_8(request, which, textstat):
    """Each layer on its own (so easy text in one cannot average out hard text in another): every
    part of the results page with at least 40 words of prose."""
    main = _soup(request.getfixturevalue(which), "/results").select_one("main")
    layers = main.select(":scope > section, :scope > details, #see-why > details, #see-why > section")
    grades = {}
    for layer in layers:
        text = _prose([layer])
        if textstat.lexicon_count(text) >= 40:
            grades[layer.get("id") or layer.find(["h2", "h3"]).get_text(" ", strip=True)] = round(
                textstat.flesch_kincaid_grade(text), 1)
    print(f"\n{which}: {grades}")
    assert len(grades) >= 6 and ("high-risk" in grades) == (which == "high_risk_client"), grades
    assert max(grades.values()) <= MAX_GRADE, grades


MEASURED_URLS = ("/", "/profile", "/results", "/summary", "/about", "/how-to-read")


@pytest.mark.parametrize("which", ["client", "high_risk_client"])
def test_text_left_out_is_a_closed_care_team_block_after_its_plain_version(request, which):
    """The only prose the measure leaves out is a ``details.technical`` block: closed, its summary
    starting "For your care team", and after a plain version of at least 8 words in the same list
    item or section, which the measure counts. Text that says it is for the care team anywhere
    else fails, so hard text cannot be hidden by marking it."""
    client = request.getfixturevalue(which)
    found = 0
    for url in MEASURED_URLS:
        soup = BeautifulSoup(client.get(url).text, "html.parser")
        for junk in soup.select(DATA):
            junk.decompose()
        for block in soup.select(".technical"):
            found += 1
            where = f"{url}: {block.get_text(' ', strip=True)[:80]}"
            assert block.name == "details" and not block.has_attr("open"), where
            summary = block.find("summary", recursive=False)
            assert summary is not None and summary.get_text(" ", strip=True).startswith("For your care team"), where
            plain = [s for s in block.find_previous_siblings() if s.name in BLOCKS or s.name == "strong"]
            parent_words = re.sub(r"\s+", " ", " ".join(
                t for t in block.parent.find_all(string=True, recursive=False))).strip()
            words = " ".join([parent_words] + [p.get_text(" ", strip=True) for p in plain]).split()
            assert len(words) >= 8, (where, words)
        # "for your care team" said anywhere outside such a block (a heading, a paragraph) is not
        # left out; every such phrase must sit in a marked block or in its plain lead-in
        for text in soup.find("main").find_all(string=re.compile(r"(?i)for your care team")):
            inside = text.find_parent("details", class_="technical") is not None
            lead_in = text.find_parent(class_="dose-plain") is not None
            assert inside or lead_in, (url, str(text)[:80])
    assert found >= 3  # the dose notes, the options not shown, how the answers are used
