"""The clinic leaflet (``/summary.pdf``): 2 pages, for every profile up to the longest (high risk,
every option on, kidney function and blood counts given), with the person's details, the option
rows, a picture of 100 people per option, harms, questions about MRD, high-risk changes, dose and
duration, the three main sources as full addresses, the numbered source of every number, the date
and the version. The pages are rendered with poppler's ``pdftoppm`` and the pictures found by their
colours; the text sizes are read from the PDF (>= 8 pt, the source markers >= 7 pt)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import warnings
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from mmdecide import __version__
from mmdecide.personal.options import OPTIONS
from mmdecide.web import Settings, create_app
from mmdecide.web.pages import summary as summary_page
from mmdecide.web.profile_form import MATTERS, YEARS
from mmdecide.web.results_view import BASE_COLOUR, BENEFIT_COLOUR

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PDFTOPPM = shutil.which("pdftoppm")
FORM = {"r_iss": "III", "mrd": "positive", "cytogenetics": ["del17p", "t4-14"], "response": "PR", "age": "74",
        "sex": "female"}
#: the longest leaflet: every answer given (kidney function and blood counts too), high risk, MRD
#: positive (so the daratumumab-lenalidomide option is offered), every option on, every wish
LONGEST = {**FORM, "cytogenetics": ["del17p", "t4-14", "amp1q"], "iss": "III", "r2_iss": "IV",
           "beta2_microglobulin_mg_l": "6", "albumin_g_dl": "3.0", "ldh_high": "yes",
           "creatinine_clearance_ml_min": "35", "hemoglobin_g_dl": "9.5", "neutrophils_10e9_l": "0.9",
           "platelets_10e9_l": "60", "induction": "dara-vrd", "transplant": "tandem", "months_since_transplant": "3"}
EVERY = [o.id for o in OPTIONS]  # the page keeps those offered for the profile
PROFILES = {  # name: (answers, options ticked or None for the default ones, wishes)
    "longest": (LONGEST, EVERY, [key for key, _ in MATTERS]),
    "high-risk, every option": (FORM, EVERY, []),
    "no answers, default options": ({}, None, []),
    "age 70, MRD negative, every option": ({"age": "70", "mrd": "negative", "response": "CR"}, EVERY, []),
}


def _answer(c, form, options, matters, years="5") -> None:
    """The answers, options, time span and wishes of one person, into ``c``'s session."""
    assert c.post("/profile", data=form, follow_redirects=False).status_code == 303
    if options:
        c.post("/results", data={"set_options": "1", "option": options, "years": years})
    else:
        c.post("/results", data={"years": years})
    if matters:
        c.post("/results", data={"set_matters": "1", "matters": matters})


def _leaflet(app, form, options, matters, years="5"):
    with TestClient(app) as c:
        _answer(c, form, options, matters, years)
        summary = c.get("/summary").text
        r = c.get("/summary.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    return r.content, summary


@pytest.fixture(scope="module")
def app():
    return create_app(Settings())


@pytest.fixture(scope="module")
def leaflets(app):
    return {name: _leaflet(app, *args) for name, args in PROFILES.items()}


@pytest.fixture(scope="module")
def leaflet(leaflets):
    return leaflets["high-risk, every option"]


def _words(pdf: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages).split())


def _sizes(pdf: bytes) -> list[tuple[float, str]]:
    """(font size in pt, text) of every text run of the PDF, the size as drawn on the page."""
    runs: list[tuple[float, str]] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: runs.append(
            (round(size * tm[3] * cm[3], 2), text)) if text.strip() else None)
    return runs


def _pages(pdf: bytes, folder, dpi: int = 100) -> list[Image.Image]:
    """Each page of ``pdf`` as an image, rendered by pdftoppm."""
    if PDFTOPPM is None:
        pytest.fail("pdftoppm not found: run the tests with `make test`, which installs poppler-utils")
    (folder / "leaflet.pdf").write_bytes(pdf)
    subprocess.run([PDFTOPPM, "-r", str(dpi), "-png", str(folder / "leaflet.pdf"), str(folder / "page")],
                   check=True, capture_output=True)
    return [Image.open(p).convert("RGB") for p in sorted(folder.glob("page-*.png"))]


def _pixels(images, colour: str, tol: int = 60) -> int:
    rgb = np.array([int(colour[i: i + 2], 16) for i in (1, 3, 5)])
    return int(sum((np.abs(np.asarray(im, dtype=int) - rgb).sum(axis=2) < tol).sum() for im in images))


@pytest.mark.parametrize("name", list(PROFILES))
def test_leaflet_is_two_pages_with_pictures_date_and_every_source(leaflets, name, tmp_path):
    pdf, summary = leaflets[name]
    images = _pages(pdf, tmp_path)
    assert len(images) == 2, (name, len(images))
    # the pictures of 100 people are drawn: pixels of the 'same either way' blue, and for an option
    # that helps, of the 'extra people helped' green, which nothing else on the leaflet uses
    blue, green = _pixels(images, BASE_COLOUR), _pixels(images, BENEFIT_COLOUR)
    assert blue > 500, (name, blue)
    # (an option shown by its trial's results only has no picture: two pictures with extra people
    # helped remain in the default options, about 850 pixels of green)
    assert green > 600 or name.startswith("age 70"), (name, green)
    reader = PdfReader(io.BytesIO(pdf))
    words = " ".join(" ".join((p.extract_text() or "") for p in reader.pages).split())
    today = date.today()
    assert f"Made on {today.day} {today:%B} {today.year}" in words
    assert all(label in words for key, label in MATTERS if key in PROFILES[name][2])
    assert "It is not medical advice" in words
    _every_marker_listed(summary, words)


def _every_marker_listed(summary: str, words: str) -> None:
    """Every source marker of the page's HTML has its publication in the PDF's numbered list."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(summary, "html.parser")
    listed = soup.select("#summary-numbered-sources li")
    marked: set[str] = set()
    for a in soup.select("main sup.refs a"):  # a run "1–4" links its first source
        first, _, last = a.get_text().partition("–")
        marked |= {f"ref-{i}" for i in range(int(first), int(last or first) + 1)}
    assert marked and marked == {li["id"] for li in listed}
    tail = words.split("Sources of each number", 1)[1].replace(" ", "")
    for li in listed:
        citation = " ".join(li.get_text(" ").split()).split(" Evidence file")[0]
        assert citation[:30].replace(" ", "") in tail, citation


@pytest.mark.parametrize("name", list(PROFILES)[:1])
def test_leaflet_text_is_readable_size(leaflets, name):
    """No text under 8 pt; the source markers, superscripts, no smaller than 7 pt."""
    _assert_readable_sizes(leaflets[name][0])


def _assert_readable_sizes(pdf: bytes) -> None:
    runs = _sizes(pdf)
    assert len(runs) > 100
    small = [(size, text) for size, text in runs
             if size < 8 and not (size >= 7 and re.fullmatch(r"[\s\d\[\],–-]+", text))]
    assert small == [], small[:10]
    assert min(size for size, _ in runs) >= 7


def test_leaflet_text_has_details_date_version_questions_and_full_sources(leaflet):
    pdf, summary = leaflet
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(summary, "html.parser")
    pictures = soup.select("#summary-pictures figure svg.icon-array")
    rows = soup.select("#summary-table tbody tr")
    # a picture for every option with numbers; one shown by its own trial's results only has none,
    # and its trial's results instead
    trial_only = [tr for tr in rows if "Trial results only" in tr.get_text(" ")]
    assert trial_only and len(pictures) == len(rows) - len(trial_only)
    assert len(soup.select("p.trial-results")) == len(trial_only)
    reader = PdfReader(io.BytesIO(pdf))
    words = " ".join(" ".join((p.extract_text() or "") for p in reader.pages).split())
    today = date.today()
    assert f"{today.day} {today:%B} {today.year}" in words
    assert f"version {__version__}" in words
    assert "74 years" in words and "del(17p)" in words and "MRD positive" in words
    assert "My MRD test was positive" in words
    assert "high-risk changes" in words
    assert "What dose" in words and "How long would I take it" in words
    assert "serious side effects" in words.lower() or "adverse events" in words
    sources = soup.select("#summary-sources li")
    assert len(sources) == 3
    for li in sources:
        url = li.get_text().strip().split()[-1]
        assert url.startswith(("https://", "http://")), url
        assert url[:40].replace(" ", "") in words.replace(" ", ""), url
    assert "/evidence/" not in words


@pytest.mark.parametrize("name", list(PROFILES))
def test_leaflet_says_what_a_range_means_once_and_a_range_below_1_in_the_pages_words(leaflets, name):
    """A range wholly below 1 reads as on the page and in --plain ("the whole range is below 1"),
    not "fewer than 1 (fewer than 1)"; what a range means is said once."""
    from bs4 import BeautifulSoup

    from mmdecide.report.plain_language import RANGE_SENTENCE

    pdf, summary = leaflets[name]
    text = " ".join(BeautifulSoup(summary, "html.parser").select_one("main").get_text(" ").split())
    assert "fewer than 1 ( fewer than 1 )" not in text and "fewer than 1 (fewer than 1)" not in text
    assert text.count(RANGE_SENTENCE) == 1
    words = " ".join(" ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "fewer than 1 (fewer than 1)" not in words and RANGE_SENTENCE in words
    assert "the whole range rounds" not in text  # --plain's words for a range of one other number


def test_a_leaflet_number_whose_range_is_wholly_below_1_says_so_once():
    """The leaflet's (and the page's tables') number-with-range macro, for a count whose range
    lies wholly above 0 and below 0.5 (blood cancers after a short time with no maintenance)."""
    from mmdecide.personal.result import Number
    from mmdecide.report.plain_language import BELOW_ONE
    from mmdecide.web.rendering import make_env

    env = make_env(for_people=True)
    macro = env.from_string('{% import "_macros.html" as m with context %}{{ m.people_n(n, cited=False) }}')
    def shown(n):
        return " ".join(re.sub(r"<[^>]+>", "", macro.render(n=n)).split())

    below = shown(Number(estimate=0.26, lower=0.11, upper=0.42))
    assert below == f"fewer than 1 ({BELOW_ONE})"
    assert below.count("fewer than 1") == 1
    span = shown(Number(estimate=0.26, lower=0.11, upper=0.62))
    assert "fewer than 1 (fewer than 1 to 1)" in span


def test_leaflet_sets_the_counts_beside_the_labels_levels(leaflets):
    """The page, ``harms`` and ``--plain`` set the kidney function and blood counts beside the
    lenalidomide label's levels; the leaflet did not. It now does, cited, within its 2 pages."""
    from bs4 import BeautifulSoup

    pdf, summary = leaflets["longest"]
    words = " ".join(" ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages).split())
    for said in ("Kidney function 35 mL/min: below the label's 60 for a lower starting dose",
                 "Neutrophil count 0.9 x 10^9/L: below the label's 1 to start",
                 "Platelet count 60 x 10^9/L: below the label's 75 to start", "Hemoglobin 9.5 g/dL: no level"):
        assert said in words, said
    para = BeautifulSoup(summary, "html.parser").find(id="summary-your-levels")
    assert len(para.select("sup.refs a")) >= 1  # the label's entries, in the numbered list
    assert "REVLIMID" in words.split("Sources of each number", 1)[1]
    for name in ("high-risk, every option", "no answers, default options"):  # no counts given: nothing said
        assert 'id="summary-your-levels"' not in leaflets[name][1]


# -- 2 pages by construction: the compaction steps (summary_page.COMPACTION) when a page is longer

def _spy_compaction(monkeypatch) -> list[tuple[int, str]]:
    """(step, HTML) of every compacted page the PDF route makes."""
    made: list[tuple[int, str]] = []
    real = summary_page._summary

    def spy(request, services, inline_css=None, compaction=0):
        page = real(request, services, inline_css, compaction)
        if compaction:
            made.append((compaction, page.body.decode("utf-8")))
        return page

    monkeypatch.setattr(summary_page, "_summary", spy)
    return made


def test_a_leaflet_too_long_for_2_pages_is_compacted_in_order_and_says_what_it_left_out(monkeypatch):
    """The longest profile made longer than any real one, as new sources could make it: each
    trial-only option's survival results said four times and each option's side effects listed
    four times. The route applies the compaction steps in their order, stops at the first that
    fits (here the third: without the repeated survival results and side effects), and the
    leaflet says in one line what it left out; every shown number keeps its listed source, the
    text stays >= 8 pt, and the 'not advice' line and the harms beside the benefits stay."""
    from bs4 import BeautifulSoup

    real_ctx, real_top = summary_page.page_context, summary_page.top_side_effects

    def padded(request, services):
        ctx = real_ctx(request, services)
        for ov in ctx["view"].options:
            if ov.trial_only:
                ov.trial_lines = ov.trial_lines + [line for line in ov.trial_lines if line[0] == "OS"] * 3
        return ctx

    monkeypatch.setattr(summary_page, "page_context", padded)
    monkeypatch.setattr(summary_page, "top_side_effects",
                        lambda option, n: real_top(option, n) * (4 if n > 1 else 1))
    made = _spy_compaction(monkeypatch)
    with TestClient(create_app(Settings())) as c:
        _answer(c, *PROFILES["longest"])
        full, pdf = c.get("/summary").text, c.get("/summary.pdf").content
        steps_made = [step for step, _ in made]
        made_before = len(made)
        again = c.get("/summary.pdf").content  # from the PDF cache: no rendering, no compaction
    assert len(made) == made_before and again == pdf
    assert steps_made == [1, 2, 3]
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    words, page = _words(pdf), made[-1][1]
    assert words.count("To fit on 2 pages, this summary leaves out:") == 1
    assert "They are on the results page of mmdecide." in words
    steps = summary_page.COMPACTION
    assert all(left in words for _, left in steps[:3] if left)
    assert steps[3][1] not in words  # the pictures stay (step 4 was not needed)
    assert "Pictures of 100 people" in words
    assert "It is not medical advice" in words and "Second cancers" in words
    soup = BeautifulSoup(page, "html.parser")
    effects = soup.select("#summary-side-effects li")
    assert effects and all(";" not in li.get_text() for li in effects)  # one side effect per option
    assert all(re.search(r"\d", li.get_text()) or "not given" in li.get_text() for li in effects)
    trials = soup.select("p.trial-results")
    assert trials and all(t.get_text().rstrip().endswith("More on the results page.") for t in trials)
    # the hazard ratio for the myeloma coming back stays; the one for dying goes with step 1
    assert any("chance of the myeloma coming back was" in t.get_text() for t in trials)
    assert not any("chance of dying" in t.get_text() for t in trials)
    # the three main sources: no section of their own, marked in the numbered list with their address
    assert not soup.select("#summary-sources")
    mains = soup.select("#summary-numbered-sources li.main-source")
    assert len(mains) == 3 and "marked \"main source\"" in words
    for li in mains:
        url = li.get_text(" ").split(" Evidence file")[0].split()[-1]
        assert url.startswith("http") and url[:40] in words.replace(" ", ""), url
    _every_marker_listed(page, words)
    _assert_readable_sizes(pdf)
    assert "To fit on 2 pages" not in full  # the page on screen leaves nothing out


FORMS = st.fixed_dictionaries({
    "age": st.integers(40, 80).map(str),
    "sex": st.sampled_from(["female", "male"]),
    "response": st.sampled_from(["sCR", "CR", "VGPR", "PR"]),
    "mrd": st.sampled_from(["negative", "positive"]),
    "cytogenetics": st.lists(st.sampled_from(["del17p", "t4-14", "t14-16", "gain1q"]), max_size=3, unique=True),
    "ldh_high": st.sampled_from(["yes", "no"]),
    "creatinine_clearance_ml_min": st.sampled_from(["", "35", "80"]),
    "platelets_10e9_l": st.sampled_from(["", "60", "200"]),
    "induction": st.sampled_from(["vrd", "dara-vrd", "krd"]),
    "transplant": st.sampled_from(["single", "tandem"]),
}).filter(lambda f: not (f["mrd"] == "negative" and f["response"] in ("VGPR", "PR")))  # MRD- needs CR


@settings(max_examples=5, deadline=None)
@given(form=FORMS, years=st.sampled_from(YEARS))
def test_random_profiles_with_every_option_fit_2_pages(app, form, years):
    """A few random consistent profiles (fixed seed: the suite's Hypothesis profile is derandomized),
    every option on: each leaflet is at most 2 pages, keeps the 'not advice' line, and says what it
    left out whenever it left something out."""
    pdf, _ = _leaflet(app, form, EVERY, [], years=str(years))
    words = _words(pdf)
    assert len(PdfReader(io.BytesIO(pdf)).pages) <= 2, form
    assert "It is not medical advice" in words
    left = [words_ for _, words_ in summary_page.COMPACTION if words_ and words_ in words]
    assert bool(left) == ("To fit on 2 pages" in words)


def test_every_compaction_step_in_order_when_nothing_fits(monkeypatch, caplog):
    """With a 1-page limit no leaflet fits: every step runs, in order, the last one drops the
    pictures (their numbers stay in the table) and the leaflet is sent as it is, with a warning
    that gives the page count and nothing of the answers."""
    import logging

    from bs4 import BeautifulSoup

    monkeypatch.setattr(summary_page, "MAX_PAGES", 1)
    made = _spy_compaction(monkeypatch)
    with caplog.at_level(logging.WARNING, logger=summary_page.__name__):
        pdf, _ = _leaflet(create_app(Settings()), *PROFILES["high-risk, every option"])
    assert [step for step, _ in made] == list(range(1, len(summary_page.COMPACTION) + 1))
    words = _words(pdf)
    assert all(left in words for _, left in summary_page.COMPACTION if left)
    assert "Pictures of 100 people" not in words and "It is not medical advice" in words
    soup = BeautifulSoup(made[-1][1], "html.parser")
    assert not soup.select("#summary-pictures") and soup.select("#summary-table tbody tr")
    warned = [r.getMessage() for r in caplog.records if r.name == summary_page.__name__]
    assert warned == [f"summary PDF has {len(PdfReader(io.BytesIO(pdf)).pages)} pages after every compaction step"]
    _every_marker_listed(made[-1][1], words)
