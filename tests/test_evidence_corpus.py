"""The shipped evidence base: every file valid, every curated study present once, headline numbers intact."""

from __future__ import annotations

import pytest

from mmdecide.evidence import default_evidence_dir, load_corpus, validate_path

#: Research note -> the evidence files it was curated into. The notes were the curators' literature
#: summaries (with URLs and locators); they are not part of the project, because every number in an
#: evidence file carries its own citation, URL and locator. This map is the committed record of
#: where each file came from (each file's header comment names its note). Several notes describe
#: the same study (they are merged so that no study is counted twice); some hold several studies
#: (they are split). pdq-maintenance.json is spread over the trial files and one summary.
CURATED_FROM = {
    "calgb-100104.json": ["calgb-100104"],
    "connect-mm.json": ["connect-mm"],
    "determination.json": ["determination"],
    "gem2014main.json": ["gem2014main"],
    "opt-gem2014main.json": ["gem2014main"],
    "gimema-rv-mm-pi-209.json": ["gimema-rv-mm-pi-209"],
    "ifm-2005-02.json": ["ifm-2005-02"],
    "maintenance-duration-dosing.json": ["maintenance-duration-dosing"],
    "mccarthy-2017-meta.json": ["mccarthy-2017-meta"],
    "myeloma-xi.json": ["myeloma-xi"],
    "opt-atlas.json": ["atlas"],
    "opt-auriga.json": ["auriga"],
    "opt-cassiopeia.json": ["cassiopeia"],
    "opt-emn02-ho95.json": ["emn02-ho95"],
    "opt-emory-rvd-risk-adapted.json": ["emory-rvd-risk-adapted"],
    "opt-forte.json": ["forte"],
    "opt-gem05menos65.json": ["gem05menos65"],
    "opt-gmmg-hd6.json": ["gmmg-hd6"],
    "opt-gmmg-mm5.json": ["gmmg-mm5"],
    "opt-griffin.json": ["griffin"],
    "opt-hovon50-thalidomide.json": ["hovon50"],
    "opt-hovon65.json": ["hovon65-gmmg-hd4"],
    "opt-ifm9902-thalidomide.json": ["ifm-99-02"],
    "opt-ixazomib-lenalidomide-phase2.json": ["ixazomib-lenalidomide-phase2"],
    "opt-ixazomib-pooled-cytogenetics.json": ["ixazomib-pooled-cytogenetics"],
    "opt-ma-maintenance-other.json": ["other-maintenance-meta-analyses"],
    "opt-myeloma-ix-thalidomide.json": ["myeloma-ix-thalidomide"],
    "opt-nma-gay-jamaoncol-2018.json": ["gay-2018-nma"],
    "opt-nma-lai-bloodneoplasia-2024.json": ["lai-2024-nma"],
    "opt-perseus.json": ["perseus"],
    "opt-single-asct-thal-vs-tandem.json": ["single-asct-thalidomide-vs-tandem"],
    "opt-tourmaline-mm3.json": ["tourmaline-mm3"],
    "other-meta-analyses.json": ["wang-2015-jnci-meta", "singh-2013-meta", "lai-2024-nma"],
    "palumbo-2014-spm-meta.json": ["palumbo-2014-spm-meta"],
    "spm-palumbo-2014.json": ["palumbo-2014-spm-meta"],
    "pdq-maintenance.json": ["nci-pdq-maintenance"],
    "real-world-other.json": ["real-world-cohorts"],
    "risk-r-iss.json": ["r-iss"],
    "risk-r2-iss.json": ["r2-iss"],
    "spm-other-maintenance.json": ["spm-other-maintenance", "lenalidomide-spm-meta-2022"],
}

@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_shipped_evidence_has_no_problems():
    problems, n = validate_path()
    assert problems == []
    assert n == len(set(sum(CURATED_FROM.values(), [])) | set(FOUND_BY_SEARCH))


def test_every_curated_study_is_encoded(corpus):
    for note, ids in CURATED_FROM.items():
        for fid in ids:
            assert fid in corpus.files, f"{note} -> {fid} missing"
    # every shipped file comes from some research note (nothing unexplained)
    assert set(corpus.ids()) == set(sum(CURATED_FROM.values(), [])) | set(FOUND_BY_SEARCH)


def test_each_file_names_its_research_note_in_its_header():
    """The header comment of every curated file names the note(s) the map says it came from."""
    for note, ids in CURATED_FROM.items():
        for fid in ids:
            text = (default_evidence_dir() / f"{fid}.yaml").read_text(encoding="utf-8")
            header = "".join(line for line in text.splitlines(keepends=True)[:6]
                             if line.startswith("#"))
            assert note.removesuffix(".json") in header, (fid, note)


def test_trials_pooled_in_meta_analysis_are_flagged(corpus):
    for trial in ("calgb-100104", "ifm-2005-02", "gimema-rv-mm-pi-209"):
        assert "mccarthy-2017-meta" in corpus.included_elsewhere(trial)


def test_headline_numbers_with_provenance(corpus):
    ev = corpus.get("mccarthy-2017-meta")
    pfs = {r.arm: r.median.value for r in ev.results if r.endpoint == "PFS"}
    assert pfs == {"lenalidomide": 52.8, "control": 23.5}
    hr = {c.endpoint: c.estimate for c in ev.comparisons}
    assert (hr["PFS"].value, hr["PFS"].lower, hr["PFS"].upper) == (0.48, 0.41, 0.55)
    assert hr["OS"].value == 0.75
    os_ctl = next(r for r in ev.results if r.endpoint == "OS" and r.arm == "control")
    assert os_ctl.median.value == 86.0
    spm = {(s.arm, s.category): s.value.value for s in ev.safety}
    assert spm == {("lenalidomide", "spm-hematologic"): 5.3, ("control", "spm-hematologic"): 0.8,
                   ("lenalidomide", "spm-solid"): 5.8, ("control", "spm-solid"): 2.0}
    prov = corpus.provenance(ev.id, hr["PFS"])
    assert prov.url.startswith("https://") and prov.locator and prov.tier == "primary"


def test_calgb_risk_table_is_encoded(corpus):
    ev = corpus.get("calgb-100104")
    tables = {r.arm: r.at_risk for r in ev.results if r.at_risk is not None}
    assert tables["lenalidomide"].n == (231, 194, 158, 121, 102, 82, 40, 16)
    assert tables["placebo"].n == (229, 116, 57, 29, 20, 18, 11, 3)
    assert tables["placebo"].time_unit == "years"


#: Evidence files found by literature search (prognostic hazard ratios), not curated from a research note.
FOUND_BY_SEARCH = [
    "de-tute-2022-myeloma-xi-mrd",
    "munshi-2017-mrd-meta",
    "munshi-2020-mrd-meta",
    "emn02-mrd-2021",
    "shah-2018-cytogenetics-meta",
    "weinhold-2021-1q-meta",
    "kapoor-2013-scr-after-asct",
    "dos-santos-2020-age-asct",
    "imwg-2016-high-risk-consensus",
    "eha-esmo-2021-guideline",
]
