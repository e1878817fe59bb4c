"""Source links: https to a named public host of a known kind, over every evidence file."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from mmdecide.evidence import load_corpus
from mmdecide.evidence.urls import PENDING_REPLACEMENT, host_kind, url_problems

#: Sources still linking to a mirror or catalogue page (see PENDING_REPLACEMENT): may only fall.
PENDING_SOURCES = 10  # was 14; replaced: CALGB smpc-fr (unused, removed), Sun 2017 (DOI), TOURMALINE-MM3
#                       ASH 2018 abstract 301 (ASH's own abstract page), Rete Ematologica Pugliese (repository)


@pytest.fixture(scope="module")
def sources():
    return [(ev.id, s) for ev in load_corpus() for s in ev.sources]


def test_every_source_url_passes_the_rule(sources):
    bad = [(fid, s.url, url_problems(s.url)) for fid, s in sources if url_problems(s.url)]
    assert not bad, bad


def test_every_source_is_https(sources):
    plain = [(fid, s.url) for fid, s in sources
             if urlsplit(s.url).scheme != "https" and urlsplit(s.url).hostname not in PENDING_REPLACEMENT]
    assert not plain, plain


def test_mirrors_awaiting_replacement_only_decrease(sources):
    pending = [s.url for _, s in sources if urlsplit(s.url).hostname in PENDING_REPLACEMENT]
    assert len(pending) <= PENDING_SOURCES, "a new mirror or catalogue link: cite the primary record"
    assert len(pending) == PENDING_SOURCES, f"{PENDING_SOURCES - len(pending)} fixed: lower PENDING_SOURCES"


@pytest.mark.parametrize("url, needle", [
    ("http://pubmed.ncbi.nlm.nih.gov/1/", "https"),
    ("https://47.251.13.51/39331724", "raw IP"),
    ("https://[2001:db8::1]/x", "raw IP"),
    ("https://pubmed.ncbi.nlm.nih.gov:8081/1/", "port 8081"),
    ("https://user:pw@doi.org/10.1/x", "user name"),
    ("https://preview-www.nature.com/articles/x", "not the public site"),
    ("https://check-staging.ecancer.org/en/video/1", "not the public site"),
    ("https://pubmed.ncbi.nlm.nih.gov./1", "trailing dot"),
    ("https://m.booksci.cn/literature/1.htm", "allow-list"),
    ("https://evil-nejm.org.example.com/x", "allow-list"),
    ("https://doi.org.evil.com/x", "allow-list"),
])
def test_bad_urls_are_named(url, needle):
    problems = url_problems(url)
    assert problems and any(needle in p for p in problems), problems


@pytest.mark.parametrize("url, kind", [
    ("https://doi.org/10.1056/NEJMoa1114083", "doi"),
    ("https://pmc.ncbi.nlm.nih.gov/articles/PMC10337122/", "pubmed"),
    ("https://clinicaltrials.gov/study/NCT03901963", "registry"),
    ("https://www.accessdata.fda.gov/drugsatfda_docs/label/x.pdf", "regulator"),
    ("https://ashpublications.org/blood/article/1", "publisher"),
])
def test_good_urls_pass(url, kind):
    assert url_problems(url) == [] and host_kind(urlsplit(url).hostname) == kind
