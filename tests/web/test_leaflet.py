"""The clinic leaflet (``/summary.pdf``): at most 2 pages with the person's details, the option
rows, a picture of 100 people per option, harms, questions about MRD, high-risk changes, dose and
duration, the three main sources as full addresses, the date and the version. The pages are
rendered with poppler's ``pdftoppm`` and the pictures found by their colours."""

from __future__ import annotations

import io
import shutil
import subprocess
import warnings
from datetime import date

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from mmdecide import __version__
from mmdecide.personal.options import OPTIONS
from mmdecide.web import Settings, create_app
from mmdecide.web.results_view import BASE_COLOUR, BENEFIT_COLOUR

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PDFTOPPM = shutil.which("pdftoppm")
FORM = {"r_iss": "III", "mrd": "positive", "cytogenetics": ["del17p", "t4-14"], "response": "PR", "age": "74",
        "sex": "female"}


@pytest.fixture(scope="module")
def leaflet():
    app = create_app(Settings())
    with TestClient(app) as c:
        c.post("/profile", data=FORM)
        every = [o.id for o in OPTIONS]  # the page keeps those offered for this profile
        c.post("/results", data={"set_options": "1", "option": every, "years": "5"})
        summary = c.get("/summary").text
        r = c.get("/summary.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    return r.content, summary


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


def test_leaflet_is_two_pages_with_the_pictures(leaflet, tmp_path):
    pdf, _ = leaflet
    images = _pages(pdf, tmp_path)
    # two pages of leaflet, then the numbered list of every number's sources on a page of its own
    assert 2 <= len(images) <= 3
    reader = PdfReader(io.BytesIO(pdf))
    last = reader.pages[-1].extract_text() or ""
    assert last.lstrip().startswith("Sources of each number"), last[:200]
    # the pictures of 100 people are drawn: pixels of the 'extra people helped' green, which
    # nothing else on the leaflet uses, and of the 'same either way' blue
    blue, green = _pixels(images, BASE_COLOUR), _pixels(images, BENEFIT_COLOUR)
    assert green > 1000 and blue > 500, (blue, green)


def test_leaflet_text_has_details_date_version_questions_and_full_sources(leaflet):
    pdf, summary = leaflet
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(summary, "html.parser")
    pictures = soup.select("#summary-pictures figure svg.icon-array")
    assert len(pictures) == len(soup.select("#summary-table tbody tr"))
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
