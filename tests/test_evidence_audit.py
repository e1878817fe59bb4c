"""`mmdecide evidence audit`: every number the patient views can show, with source kind, locator
and reproduction verdict; and no number a patient sees comes from an advertisement."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mmdecide import api
from mmdecide.cli import app
from mmdecide.evidence import load_corpus
from mmdecide.personal import estimate
from mmdecide.report.audit import AUDIT_PROFILES, SOURCE_KINDS, _refs, audit, source_kind


VERDICTS = ("agrees", "differs", "not reproducible", "not checked", "model agrees", "model differs", "model fitted")


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


@pytest.fixture(scope="module")
def rows(corpus):
    return audit(corpus)


def test_every_cited_reference_of_the_profiles_is_audited(corpus, rows):
    audited = {(r.evidence, r.what, r.locator) for r in rows}
    refs = list(_refs([estimate(p, corpus=corpus) for p in AUDIT_PROFILES]))
    assert len(refs) > 100
    missing = {(r.evidence, r.what, r.locator) for r in refs} - audited
    assert not missing


def test_each_row_has_kind_locator_and_a_value_found_in_its_file(corpus, rows):
    for r in rows:
        assert r.source_kind in SOURCE_KINDS and len(r.locator) >= 2 and r.url.startswith("http")
        assert r.reproduced in VERDICTS
        if r.value is None:
            assert r.note, r  # a number without value says why (a regimen line)
            continue
        ev = corpus.get(r.evidence)
        ids = {s.id for s in ev.sources if s.citation == r.citation}
        found = [v for v in _all_values(ev) if v.source in ids and v.locator == r.locator and v.value == r.value]
        assert found, r


def _all_values(obj):
    from mmdecide.report.audit import _values

    return list(_values(obj))


def test_reproduction_verdicts_are_attached(rows):
    ixa_os = next(r for r in rows if r.evidence == "tourmaline-mm3" and r.what.startswith("OS HR"))
    assert ixa_os.value == 1.025 and ixa_os.reproduced == "agrees"
    assert {r.reproduced for r in rows} >= {"agrees", "not checked"}


def test_calibration_verdicts_are_attached(corpus, rows):
    """A trial result the calibration sets beside the model carries the model's verdict: ATLAS's
    KRd median PFS (59.1 months) is one the model misses, so the audit must not call it unchecked."""
    from mmdecide.personal.calibration import calibration_table

    cal = [c for c in calibration_table(corpus) if c.published is not None and c.source is not None]
    assert cal
    by_key = {(r.evidence, r.what, r.locator): r for r in rows}
    seen = 0
    for c in cal:
        r = by_key.get((c.source.evidence, c.source.what, c.source.locator))
        if r is None or r.value != c.published:
            continue
        seen += 1
        want = "model fitted" if c.fitted else "model agrees" if c.within_tolerance else "model differs"
        assert r.reproduced in (want, "differs", "agrees", "not reproducible"), (r, c)
        assert c.trial_name in r.note or r.reproduced != want, r
    assert seen >= 5
    atlas = next(r for r in rows if r.evidence == "atlas" and r.what.startswith("PFS median, KRd"))
    assert atlas.value == 59.1 and atlas.reproduced == "model differs", atlas
    assert "ATLAS" in atlas.note and "59.1" in atlas.note


@pytest.mark.parametrize("tier, stype, kind", [
    ("primary", "abstract", "primary"), ("label", "regulatory-label", "label"),
    ("secondary", "news", "news"), ("label", "manufacturer", "manufacturer"),
    ("secondary", "guideline-summary", "review-or-guideline"),
])  # fmt: skip
def test_source_kind(tier, stype, kind):
    assert source_kind(tier, stype) == kind


def test_no_number_a_patient_sees_comes_from_an_advertisement(corpus, rows):
    adverts = {(ev.id, s.citation) for ev in corpus.files.values() for s in ev.sources if s.type == "advertisement"}
    assert adverts, "the advertisement sources stay in the evidence base, typed as such"
    assert not [r for r in rows if r.source_type == "advertisement" or (r.evidence, r.citation) in adverts]


def test_cli_and_api_agree():
    out = CliRunner().invoke(app, ["evidence", "audit", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data == api.evidence_audit()
    assert data["numbers"] == len(data["rows"]) == sum(data["by_source_kind"].values())
    text = CliRunner().invoke(app, ["evidence", "audit"])
    assert text.exit_code == 0 and text.output.strip().splitlines()[-1].startswith(f"{data['numbers']} numbers:")
