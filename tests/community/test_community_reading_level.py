"""Reading level of the community pages: Flesch-Kincaid grade <= 8 (the project's bound for
patient text), measured as for the other patient pages (the prose of the innermost text blocks;
tables, charts and the footer left out)."""

from __future__ import annotations

import re
import warnings

import pytest
from bs4 import BeautifulSoup

from mmdecide.community.consent import CONSENT_VERSION
from mmdecide.community.synthetic import generate
from mmdecide.web import create_app

with warnings.catch_warnings():  # starlette.testclient warns at import that it prefers httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

MAX_GRADE = 8.0
BLOCKS = ["h1", "h2", "h3", "p", "li", "legend", "label", "figcaption", "summary"]
PAGES = ["/community", "/community/signup", "/community/consent", "/community/me",
         "/community/aggregates", "/community/account", "/community/stories"]


def prose(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for junk in soup.select("svg, table, .site-footer, nav, [aria-hidden=true], .visually-hidden"):
        junk.decompose()
    out = []
    for b in soup.find("main").find_all(BLOCKS):
        if b.find(BLOCKS):
            continue
        text = re.sub(r"\s+", " ", b.get_text(" ")).strip()
        if text:
            out.append(text if text[-1] in ".?!:" else text + ".")
    return " ".join(out)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    from mmdecide.community.config import CommunityConfig
    from mmdecide.community.service import Community

    url = f"sqlite:///{tmp_path_factory.mktemp('c') / 'c.sqlite3'}"
    store = Community(CommunityConfig(database_url=url, argon2_time_cost=1, argon2_memory_kib=1024,
                                      aggregate_cache_seconds=0))  # the figures, never "being prepared"
    generate(store.db, members=30, labs_per_member=5, seed=2)
    mid = store.accounts.sign_up("reader", "correct horse battery")
    store.accounts.give_consent(mid, CONSENT_VERSION)
    store.entries.add(mid, "lab", {"kind": "platelets", "value": "150", "unit": "x10^9/L", "day": "2024-01-01"})
    token, _ = store.accounts.log_in("reader", "correct horse battery")
    app = create_app()
    app.state.community = store
    out = {}
    with TestClient(app) as c:
        out["/community/signup"] = c.get("/community/signup").text
        c.cookies.set("mmdecide_member", token, path="/community")
        for path in PAGES:
            out.setdefault(path, c.get(path).text)
    store.close()
    return out


@pytest.mark.parametrize("path", PAGES)
def test_grade_at_most_8(pages, path, textstat):
    text = prose(pages[path])
    assert len(text.split()) > 20, path
    grade = textstat.flesch_kincaid_grade(text)
    assert grade <= MAX_GRADE, f"{path}: grade {grade:.1f}: {text[:300]}"
