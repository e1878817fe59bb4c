"""A source on every number: the results page, the printable summary (the PDF is printed from it)
and ``estimate --plain``, for three profiles.

What counts as sourced, on a page (walked element by element: every innermost text block, i.e.
p, li, td, th, dd, dt, caption, figcaption, headings, and the svg title/desc/text of a chart):

1. the block, or the paragraph, list item, table row or card value around it, holds a
   ``sup.refs`` link to the page's numbered source list;
2. it sits in a figure whose figcaption, or a table whose caption, holds one: the picture's or the
   table's numbers share the caption's sources (icon arrays with their key, curves with their
   axis ticks, the curve tables by year);
3. the first layer of the results page (the answer cards, ``#answer``) has no markers by design
   (the sources are one layer down); each of its numbers has a cited twin in the layers, which
   ``test_every_first_layer_number_has_a_cited_twin_in_the_layers`` checks, so the walk skips it;
4. in the lenalidomide harms-detail section, a sentence whose every number is also in a cited row
   or list item of the same section (report/harms_detail.py builds the sentences that way).

Not numbers that need a source (taken out of the text before the check): the denominator ("out
of 100", "in 100", "100 people"), the time span chosen by the reader and the chart's time points
("after 5 years", "4.5 years"), side-effect grades, the 95% of a confidence interval, the names of
trials, evidence files and genetic changes (CALGB 100104, calgb-100104, del(17p), t(4;14), 1q),
calendar years and dates, the version line, the reader's own answers ("you are 70") and the
answer form, the source markers themselves, the source lists (they
are the citations), and the list of model assumptions for the care team (each names the study or
table it rests on; docs/model.md gives them in full).

In ``--plain`` every sentence of an option section that states a number ends in markers such as
[1, 3], every marker points into the numbered list at the end, and every list entry has its
publication's address and the places in it that were used.
"""

from __future__ import annotations

import re
import warnings

import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from mmdecide.cli import app as cli
from mmdecide.web import Settings, create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PROFILES = {
    "empty": ({}, []),
    "r-iss-iii-del17p": ({"r_iss": "III", "cytogenetics": ["del17p"]}, ["--r-iss", "III", "--cytogenetics", "del17p"]),
    "age-70-mrd-positive": ({"age": "70", "mrd": "positive"}, ["--age", "70", "--mrd", "positive"]),
}
BLOCKS = ["p", "li", "td", "th", "dd", "dt", "caption", "figcaption", "h1", "h2", "h3", "h4", "summary",
          "title", "desc", "text"]
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
NOT_SOURCED = [
    r"\[[\d,–\- ]+\]",                                   # the markers
    r"\b(out of|in) 100\b", r"\b100 people\b",           # the denominator
    r"\b\d+(\.5)? (years?|months?)\b",                   # the time span and the charts' time points
    r"(?i)\bgrades? (\d|>=\d)([ -]?(or|and|to|-) ?\d)*\b", r"\(grade (\d|>=\d|any)(-\d)?\)",
    r"\b[A-Z]{2,}[A-Za-z]*(-[A-Z]+)*[- ]?\d[\w/.-]*",     # trial names: CALGB 100104, IFM 2005-02, MM3
    r"\b95%", r"\b(19|20)\d\d\b", rf"\b\d{{1,2}} ({MONTHS})\b", r"\bversion \d+(\.\d+)*",
    r"\byou are \d+\b",                                  # the reader's own answer
    r"\b[a-z][a-z0-9]*(-[a-z0-9]+)+\b",                  # evidence file ids
    r"del\(17p\)|t\(\d+;\d+\)|\b1q\b|\b17p\b",            # genetic changes
]


def _strip(text: str) -> str:
    for pattern in NOT_SOURCED:
        text = re.sub(pattern, " ", text)
    return text


def _has_refs(node) -> bool:
    return node is not None and node.select_one("sup.refs") is not None


def _cited(el) -> bool:
    if _has_refs(el) or any(_has_refs(a) for a in el.parents if a.name in ("p", "li", "tr", "dd")):
        return True
    return any((a.name == "figure" and _has_refs(a.find("figcaption")))
               or (a.name == "table" and _has_refs(a.find("caption"))) for a in el.parents)


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def _harms_sentence_sourced(el) -> bool:
    section = el.find_parent("section", id="harms-detail")
    if section is None or el.name != "p":
        return False
    cited = " ".join(x.get_text(" ") for x in section.find_all(["tr", "li"]) if _has_refs(x))
    return _numbers(_strip(el.get_text(" "))) <= _numbers(cited) | {"1", "2"}  # "days 1 to 21", "two"


def unsourced(html: str) -> list[str]:
    """The text blocks of a page's main content that state a number with no source."""
    main = BeautifulSoup(html, "html.parser").find("main")
    for node in main.select(".sources-section, .key-sources, script, style, form, #layer-assumptions, #answer"):
        node.decompose()
    bad = []
    for el in main.find_all(BLOCKS):
        if el.find(BLOCKS):
            continue
        text = " ".join(el.get_text(" ", strip=True).split())
        if not re.search(r"\d", _strip(text)) or text.startswith("Made on "):
            continue
        if not (_cited(el) or _harms_sentence_sourced(el)):
            bad.append(text[:160])
    return bad


@pytest.fixture(scope="module")
def web_app():
    return create_app(Settings())


@pytest.mark.parametrize("name", list(PROFILES))
def test_every_number_on_the_results_and_summary_pages_has_a_source(web_app, name):
    form, _ = PROFILES[name]
    with TestClient(web_app) as c:
        assert c.post("/profile", data=form, follow_redirects=False).status_code == 303
        for path in ("/results", "/summary"):
            html = c.get(path).text
            soup = BeautifulSoup(html, "html.parser")
            n_markers = len(soup.select("main sup.refs"))
            assert n_markers > 10, (path, n_markers)
            targets = {a["href"][1:] for a in soup.select("main sup.refs a")}
            assert targets and all(soup.find(id=t) is not None for t in targets), path
            assert unsourced(html) == [], (path, unsourced(html)[:6])


def test_the_walk_finds_an_unsourced_number(web_app):
    page = ("<main><p>About 45 out of 100 after 5 years.</p><p>CALGB 100104, grade 3 in 2012.</p>"
            "<figure><svg><title>31 alive</title></svg><figcaption>Alive</figcaption></figure></main>")
    assert unsourced(page) == ["About 45 out of 100 after 5 years.", "31 alive"]
    cited = ('<main><p>About 45 <sup class="refs">[<a href="#ref-1">1</a>]</sup></p><figure><svg><title>31'
             '</title></svg><figcaption>Alive<sup class="refs">[<a href="#ref-1">1</a>]</sup></figcaption></figure></main>')
    assert unsourced(cited) == []


@pytest.mark.parametrize("name", list(PROFILES))
def test_plain_text_has_numbered_markers_and_a_source_list(name):
    _, args = PROFILES[name]
    res = CliRunner().invoke(cli, ["estimate", "--plain", *args])
    assert res.exit_code == 0, res.output
    prose, _, listed = res.stdout.partition("Sources of the numbers (the numbers in brackets above)\n")
    entries = re.findall(r"^\[(\d+)\] (.+)$", listed, flags=re.MULTILINE)
    assert [int(i) for i, _ in entries] == list(range(1, len(entries) + 1)) and len(entries) >= 3
    for _, entry in entries:
        assert re.search(r"https?://\S+ \(where: .+\)$", entry), entry
    cited = set()
    sections = prose.split("\n\n")[2:]  # after the title and the introduction
    for block in sections:
        lines = block.splitlines()
        if len(lines) < 2 or lines[0].startswith("Questions"):
            continue
        for sentence in re.split(r"(?<=[.)\]])\s+(?=[A-Z])", lines[1]):
            markers = re.findall(r"\[([\d, ]+)\]$", sentence)
            if re.search(r"\d", _strip(sentence)):
                assert markers, sentence
            for m in markers:
                cited |= {int(i) for i in m.split(",")}
    assert cited == set(range(1, len(entries) + 1)), "every listed source is cited, every marker listed"
