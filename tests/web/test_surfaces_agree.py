"""The four surfaces agree: the results page, the summary PDF, the JSON API and ``estimate --plain``
show the same numbers and the same flags as the estimate the library returns.

For each profile, the expected values come from :func:`mmdecide.api.estimate` at test time (no
number is written here). Each surface is read as a person reads it: the page's visible text (found
by the cards' ids), the PDF's text (pypdf, whitespace joined, read option by option so a new layout
still parses), the answer of ``POST /api/v1/estimate``, and the printed ``--plain`` text. What is
compared, per option and at the horizon each surface shows:

- alive without progression and alive, out of 100, with the 95% range (whole numbers), and the
  second cancers ("fewer than 1", never 0, for a number above 0 that rounds to 0);
- the flags: beyond the trials' follow-up (projection), "not studied in people like you", an
  option shown by its own trial's results only (the model misses that trial), and weak or
  indirect evidence;
- for an option shown by its trial's results only: no number for the person on any surface, and
  the same trial numbers (arm results, follow-up, hazard ratios) on the page, the PDF and --plain,
  equal to the library's calibration rows;
- medians past follow-up ("more than N months"), which answers are used or not, the answer that
  would narrow the ranges most, and what a range means.

The ``estimate`` table (the care team's view) is checked too. The readers are in
``surface_readers.py``.
"""

from __future__ import annotations

import functools
import json
import re
import warnings
from dataclasses import dataclass, replace

import pytest

from bs4 import BeautifulSoup
from typer.testing import CliRunner

from mmdecide import api
from mmdecide.cli import app as cli_app
from mmdecide.personal.options import OPTIONS
from mmdecide.personal.result import EstimateResult, Number
from mmdecide.report.plain_language import summarize, trial_spm_pair
from mmdecide.report.rounding import round_text
from mmdecide.report.side_effect_words import comparator_words
from mmdecide.web import Settings, create_app
from surface_readers import (
    COUNT,
    NOT_KNOWN,
    SPM,
    SPM_WORDS,
    TABLE_ROW,
    Shown,
    at_years,
    count_value,
    expected,
    floor_text,
    numbers_in,
    plain_parts,
    plain_spm,
    read_page,
    read_pdf,
    read_pdf_numbers,
    read_pdf_text,
    read_plain,
    spm_expected,
    table_cell,
    words,
)

with warnings.catch_warnings():  # starlette.testclient warns at import that it prefers httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

#: The profiles, as the JSON API and the library take them. The web form posts the same answers.
PROFILES: dict[str, dict] = {
    "empty": {},
    "62-riss2-vgpr": {"age": 62, "sex": "female", "r_iss": "II", "response": "VGPR"},
    # everything that moves the numbers known: no answer left to ask for
    "58-riss1-cr-mrd-negative": {"age": 58, "sex": "male", "r_iss": "I", "response": "CR", "mrd": "negative"},
    # older than some trials took (daratumumab's went up to 65), high-risk FISH, partial response
    "74-riss3-highrisk-pr": {"age": 74, "sex": "female", "r_iss": "III", "cytogenetics": ["del17p", "t4-14"],
                             "response": "PR", "mrd": "positive"},
    # outside several trials at once (age, response, induction): not-studied flags beside the
    # options whose numbers do not match their own trial
    "88-sd-dara-induction": {"age": 88, "response": "SD", "induction": "dara-vrd"},
}

EVERY_OPTION = [o.id for o in OPTIONS]
YEARS = 5  # what the page, the PDF and --plain show unless a person or --horizon chooses
#: (profile, horizon shown): each profile once, two of them at another time span the page offers
#: (the page's numbers are sliced from its curves' run; --plain asks for that horizon alone). One
#: PDF a case: WeasyPrint takes a few seconds each.
CASES = [("empty", YEARS), ("62-riss2-vgpr", YEARS), ("62-riss2-vgpr", 2), ("74-riss3-highrisk-pr", 7),
         ("88-sd-dara-induction", YEARS), ("58-riss1-cr-mrd-negative", 3)]


@functools.cache
def library(name: str) -> EstimateResult:
    """The library's estimate for a profile at its default horizons (1, 2, 3, 5 and 7 years)."""
    return api.estimate(PROFILES[name])


def _form(profile: dict) -> dict:
    return {k: ([str(x) for x in v] if isinstance(v, list) else str(v)) for k, v in profile.items()}


def _cli_args(profile: dict) -> list[str]:
    args: list[str] = []
    for k, v in profile.items():
        for x in (v if isinstance(v, list) else [v]):
            args += [f"--{k.replace('_', '-')}", str(x)]
    return args


# ------------------------------------------------------------------------------------------
# The surfaces, once per profile
# ------------------------------------------------------------------------------------------


@dataclass
class Surfaces:
    years: int
    result: EstimateResult
    labels: dict[str, str]
    page: BeautifulSoup
    pdf: bytes
    json: dict
    plain: str


def _surfaces(client: TestClient, name: str, years: int) -> Surfaces:
    profile, result = PROFILES[name], library(name)
    labels = {o.option: o.plain_label for o in result.options}
    assert client.post("/profile", data=_form(profile), follow_redirects=False).status_code == 303
    client.post("/results", data={"years": str(years), "set_options": "1", "option": EVERY_OPTION})
    page = client.get("/results")
    assert page.status_code == 200
    pdf = client.get("/summary.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    answer = client.post("/api/v1/estimate", json={"profile": profile})
    assert answer.status_code == 200, answer.text
    run = CliRunner().invoke(cli_app, ["estimate", *_cli_args(profile), "--plain",
                                       *(["--horizon", str(years)] if years != YEARS else [])])
    assert run.exit_code == 0, run.output
    return Surfaces(years, result, labels, BeautifulSoup(page.text, "html.parser"), pdf.content, answer.json(), run.output)


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module", params=CASES, ids=[f"{name}-{years}y" for name, years in CASES])
def surfaces(request, client) -> Surfaces:
    name, years = request.param
    return _surfaces(client, name, years)


def test_json_api_is_the_library_estimate(surfaces):
    assert surfaces.json == json.loads(surfaces.result.model_dump_json())


def test_results_page_shows_the_library_numbers_and_flags(surfaces):
    want = expected(surfaces.result, surfaces.years)
    got = read_page(surfaces.page, surfaces.labels)
    assert got == want


def test_results_page_curve_tables_match_the_library_at_its_horizons(surfaces):
    """The over-time tables (every 6 months) agree with the library at the horizons it gives."""
    order = [th.get_text(strip=True) for th in surfaces.page.select("#curve-table-pfs thead th")][1:]
    by_label = {label: option for option, label in surfaces.labels.items()}
    for table, field in (("curve-table-pfs", "pfs_percent"), ("curve-table-os", "os_percent")):
        rows = {float(tr.th.get_text(strip=True)): [words(td.get_text(" ")) for td in tr.find_all("td")]
                for tr in surfaces.page.select(f"#{table} tbody tr")}
        for o in surfaces.result.options:
            cell_at = order.index(o.plain_label)
            assert by_label[order[cell_at]] == o.option
            for h in o.horizons:
                n: Number = getattr(h, field)
                cell = rows[h.years][cell_at]
                if o.display == "trial_results_only":
                    assert cell == "trial results only", (table, o.option, cell)
                    continue
                if n.estimate is None:
                    assert cell == "not known"
                    continue
                want = Shown.of(n)
                m = re.match(rf"{COUNT}% \({COUNT}%(?: to {COUNT}%)?\)(.*)", cell)
                assert m, cell
                lo = count_value(m.group(2))
                hi = count_value(m.group(3)) if m.group(3) else lo
                got = Shown(count_value(m.group(1)), lo, hi, "beyond trial follow-up" in m.group(4))
                assert got == want, (table, o.option, h.years)


def test_pdf_shows_the_library_numbers_and_flags(surfaces):
    want = expected(surfaces.result, surfaces.years)
    got = read_pdf(surfaces.pdf, surfaces.labels)
    for option, (pfs, os_, flags) in want.items():
        g_pfs, g_os, g_flags = got[option]
        assert (g_pfs, g_os) == (pfs, os_), option
        assert g_flags.not_studied == flags.not_studied, (option, "not studied")
        assert g_flags.trial_only == flags.trial_only, (option, "trial results only")
        if option != "observation":
            assert g_flags.strength == flags.strength, (option, "evidence strength")
            assert g_flags.indirect == flags.indirect, (option, "indirect")


def test_plain_shows_the_library_numbers_and_flags(surfaces):
    want = expected(surfaces.result, surfaces.years)
    got = read_plain(surfaces.plain, surfaces.result)
    ref_pfs, ref_os, _ = want["observation"]
    (r_pfs, _), (r_os, _), _, _ = got["observation"]
    assert (r_pfs, r_os) == (replace(ref_pfs, projection=False), replace(ref_os, projection=False))
    intro = surfaces.plain.split("\n\n")[1]  # no maintenance's own flag is said once, before the sections
    assert ("No maintenance: not studied in people like you." in intro) == want["observation"][2].not_studied
    for o in surfaces.result.options:
        if o.option == "observation":
            continue
        pfs, os_, flags = want[o.option]
        (g_pfs, pfs_proj), (g_os, os_proj), g_flags, para = got[o.option]
        assert g_pfs == replace(pfs, projection=False), o.option
        assert g_os == replace(os_, projection=False), o.option
        assert g_flags.trial_only == flags.trial_only, (o.option, "trial results only")
        if flags.trial_only:
            assert not pfs_proj and not os_proj and "people like you would be alive" not in para, o.option
            continue
        h = at_years(o, surfaces.years)
        # --plain says "beyond follow-up" once per endpoint: for the option, no maintenance or the difference
        assert pfs_proj == (pfs.projection or ref_pfs.projection or h.pfs_difference_percent.extrapolated), o.option
        assert os_proj == (os_.projection or ref_os.projection or h.os_difference_percent.extrapolated), o.option
        assert g_flags.not_studied == flags.not_studied, (o.option, "not studied")
        assert g_flags.strength == flags.strength, (o.option, "evidence strength")
        assert g_flags.indirect == flags.indirect, (o.option, "indirect")


def test_the_profiles_carry_every_flag():
    """The cases above reach every flag this file compares (else a test could pass on none)."""
    seen = dict.fromkeys(("projection", "not_studied", "trial_only", "weak", "indirect", "reference_not_studied",
                          "median_beyond_follow_up", "not_known", "nothing_to_ask"), False)
    for name, years in CASES:
        result = library(name)
        for option, (pfs, os_, flags) in expected(result, years).items():
            seen["projection"] |= pfs.projection or os_.projection
            seen["not_studied"] |= flags.not_studied
            seen["reference_not_studied"] |= option == "observation" and flags.not_studied
            seen["trial_only"] |= flags.trial_only
            seen["weak"] |= flags.strength in ("weak", "very weak")
            seen["indirect"] |= flags.indirect
            seen["not_known"] |= NOT_KNOWN in (pfs, os_)
        seen["nothing_to_ask"] |= not result.missing_inputs
        seen["median_beyond_follow_up"] |= any(n.beyond_follow_up is not None for o in result.options
                                               for n in (o.median_pfs_months, o.median_os_months))
    assert all(seen.values()), seen


# ------------------------------------------------------------------------------------------
# Medians, and the command line's table (the care team's view of the same estimate)
# ------------------------------------------------------------------------------------------


def test_results_page_medians_past_follow_up_read_more_than(surfaces):
    """A median past the trials' follow-up reads "more than N months" (issue 8, point 7), as in
    the command line's table; the model's projection is only beside it, marked."""
    for o in surfaces.result.options:
        if o.display == "trial_results_only":  # no median for the person: the trial's own instead
            assert surfaces.page.find(id=f"median-pfs-{o.option}") is None
            assert surfaces.page.find(id=f"trial-detail-{o.option}") is not None
            continue
        for endpoint, n in (("pfs", o.median_pfs_months), ("os", o.median_os_months)):
            text = words(surfaces.page.find(id=f"median-{endpoint}-{o.option}").get_text(" "))
            if n.estimate is None:
                assert "not known" in text, (o.option, endpoint, text)
            elif n.beyond_follow_up is not None:
                assert f"at (median): more than {floor_text(n.beyond_follow_up, 0)} months" in text, (o.option, text)
                assert f"the model's projection: {round(n.estimate)} months" in text, (o.option, text)
                assert "beyond trial follow-up" in text, (o.option, text)
            else:
                # an upper bound past the follow-up reads "more than N" and is flagged (point 7)
                upper = (f"more than {round(n.upper)}" if n.upper_capped else
                         f"more than {floor_text(n.upper_beyond_follow_up, 0)}" if n.upper_beyond_follow_up else
                         f"{round(n.upper)}")
                assert (f"at (median): {round(n.estimate)} months ({round(n.lower)} to {upper})"
                        in text), (o.option, endpoint, text)
                assert ("upper end beyond trial follow-up" in text) == (n.upper_beyond_follow_up is not None)
                assert ("beyond trial follow-up" in text.replace("upper end beyond trial follow-up", "")
                        ) == n.extrapolated, (o.option, endpoint, text)
            if n.upper_capped:
                assert f"{round(n.upper)})" not in text.replace(f"more than {round(n.upper)})", "")


@pytest.fixture(scope="module", params=list(PROFILES))
def table(request) -> tuple[EstimateResult, str]:
    run = CliRunner().invoke(cli_app, ["estimate", *_cli_args(PROFILES[request.param])])
    assert run.exit_code == 0, run.output
    return library(request.param), run.output


def test_cli_table_shows_the_library_numbers_medians_and_flags(table):
    result, text = table
    blocks = text.split("\n\n")
    for o in result.options:
        block = next(b for b in blocks if b.startswith(f"{o.label}  ["))
        assert f"evidence {o.evidence.strength}]" in block.splitlines()[0]
        assert ("NOT STUDIED IN PEOPLE LIKE YOU" in block) == bool(o.outside_population), o.option
        missed = o.calibration is not None and not o.calibration.within
        assert ("TRIAL RESULTS ONLY" in block) == missed, o.option
        rows = {float(m.group(1)): (table_cell(m.group(2)), table_cell(m.group(3)))
                for m in map(TABLE_ROW.match, block.splitlines()) if m}
        if missed:  # the trial's results with their digits, and no row or median of the model
            assert not rows and "median progression-free survival" not in block, o.option
            for r in o.calibration.rows:
                if r.published is not None:
                    assert f"{r.published:g}" in block, (o.option, r.arm, r.quantity)
            for e in o.calibration.trial_effects:
                assert f"hazard ratio for {'progression or death' if e.endpoint == 'PFS' else 'death'} " \
                       f"{e.hazard_ratio.estimate:.2f}" in block, o.option
            continue
        for h in o.horizons:
            assert rows[h.years] == (Shown.of(h.pfs_percent), Shown.of(h.os_percent)), (o.option, h.years)
        for what, n in (("progression-free survival", o.median_pfs_months), ("overall survival", o.median_os_months)):
            line = next(ln for ln in block.splitlines() if ln.strip().startswith(f"median {what}:"))
            if n.beyond_follow_up is not None:
                assert f"more than {floor_text(n.beyond_follow_up, 1)} months" in line, line
            elif n.estimate is not None:
                assert f"{n.estimate:.1f} months" in line, line
                if n.upper_capped:  # the cap reads "more than 180", never "180.0"
                    assert f"to more than {round(n.upper)})*" in line and f"{n.upper:.1f}" not in line, line
                elif n.upper_beyond_follow_up is not None:
                    assert f"to more than {floor_text(n.upper_beyond_follow_up, 1)})*" in line, line
            else:
                assert "not known" in line, line


# ------------------------------------------------------------------------------------------
# Second cancers: a percent below 1 reads "fewer than 1", never 0
# ------------------------------------------------------------------------------------------


def test_second_cancers_agree_on_the_page_the_pdf_and_plain(surfaces):
    years = surfaces.years
    pdf = read_pdf_numbers(surfaces.pdf, surfaces.labels)
    plain = surfaces.plain.splitlines()
    ref = next(o for o in surfaces.result.options if o.option == "observation")
    ref_want = spm_expected(ref, years)
    for o in surfaces.result.options:
        want = spm_expected(o, years)
        # the page's card: blood and other cancers when both are known, else any second cancer
        card = numbers_in(words(surfaces.page.find(id=f"glance-spm-{o.option}").get_text(" ")), str)
        h, s_, a = (want[f] for f in SPM)
        shown = [h, s_] if NOT_KNOWN not in (h, s_) else ([a] if a != NOT_KNOWN else [])
        trial = trial_spm_pair(o, "spm_any_percent")
        if (o.option != "observation" and NOT_KNOWN in (h, s_) and a != NOT_KNOWN
                and ref_want["spm_any_percent"] == NOT_KNOWN and trial is not None):
            # counted another way than no maintenance: the card shows the trial's own pair instead
            said = words(surfaces.page.find(id=f"glance-spm-{o.option}").get_text(" "))
            assert (f"{round(trial.percent.estimate)} in 100 taking it" in said and
                    f"and {round(trial.comparator_percent.estimate)} in 100 {comparator_words(trial)}" in said and
                    "Counted the same way for both" in said), (o.option, said)
        else:
            assert card == shown, (o.option, "page")
        # the PDF's row: alive without progression, alive, then one second-cancer cell: blood and
        # other (and any) when the studies split them, else any kind; a number not known shows none
        split = [x for x in (h, s_) if x != NOT_KNOWN]
        cell = (split + ([a] if a != NOT_KNOWN else [])) if split else ([a] if a != NOT_KNOWN else [])
        assert pdf[o.option][2:2 + len(cell)] == cell, (o.option, "PDF")
        if o.option == "observation":
            continue
        para = words(plain[plain.index(f"{o.plain_label}, compared with no maintenance") + 1])
        rest = plain_parts(para)["rest"]
        for field in SPM:
            got = plain_spm(rest, SPM_WORDS[field])
            said = [w for w in (ref_want[field], want[field]) if w != NOT_KNOWN]
            if want[field] == NOT_KNOWN:
                said = []
            assert got == [replace(w, projection=False) for w in said], (o.option, field, "--plain")


# ------------------------------------------------------------------------------------------
# Each answer: used, or not used (and why), alike on every surface
# ------------------------------------------------------------------------------------------


#: the profile field behind each factor of ``profile_effects`` that is that field's alone
FACTOR_FIELD = {"age": "age", "sex": "sex", "iss": "iss", "r-iss": "r_iss", "r2-iss": "r2_iss", "response": "response",
                "mrd": "mrd", "ldh": "ldh_high", "renal-function": "creatinine_clearance_ml_min",
                "induction": "induction"}


def test_answers_used_or_not_agree_on_the_page_and_the_json(surfaces):
    """An answer the JSON calls used is not called "not used" on the page, and the other way round."""
    inputs = {u.field: u for u in surfaces.result.inputs}
    assert {u["field"]: u["used"] for u in surfaces.json["inputs"]} == {f: u.used for f, u in inputs.items()}
    for e in surfaces.result.profile_effects:
        use = inputs.get(FACTOR_FIELD.get(e.factor, ""))
        if use is None or use.value == "not given":
            continue
        said = words(surfaces.page.find(id=f"effect-{e.factor}").get_text(" "))
        assert ("Not used:" in said) == (not use.used), (e.factor, use.how, said)


def test_cli_table_lists_the_answers_the_json_calls_unused(table):
    result, text = table
    unused = {u.field for u in result.inputs if u.value != "not given" and not u.used}
    assert {m.group(1) for m in re.finditer(r"^Not used: (\w+) = ", text, re.M)} == unused


def test_the_answer_to_ask_for_agrees_on_the_page_plain_and_the_json(surfaces):
    """The one missing answer that would narrow the ranges most is the same on every surface
    (the page said "your MRD result" even when MRD was known or R-ISS mattered more)."""
    asks = [m["ask"] for m in surfaces.json["missing_inputs"]]
    assert asks == [m.ask for m in surfaces.result.missing_inputs]
    page = words(surfaces.page.find(id="whatif-help").get_text(" "))
    intro = surfaces.plain.split("\n\n")[1]
    if asks:
        assert f"To narrow the ranges most, {asks[0]}." in page
        assert f"To narrow the ranges most, {asks[0]}." in intro
    else:
        assert "narrow the ranges" not in page and "narrow the ranges" not in intro


def test_cli_table_names_the_answers_to_ask_for(table):
    result, text = table
    said = re.findall(r"^Would narrow the ranges most: (.+?) \(explains", text, re.M)
    assert said == [m.ask for m in result.missing_inputs]


def test_the_range_is_described_alike_on_the_page_and_in_plain(surfaces):
    """What a range means: both how sure the studies are and what is not known about the person,
    on the page as in --plain (the page said "how sure the studies are" alone)."""
    page = words(surfaces.page.find(id="range-words").get_text(" "))
    intro = surfaces.plain.split("\n\n")[1]
    sentence = next(s for s in re.split(r"(?<=\.) ", intro) if s.startswith("Each range shows"))
    assert sentence in page
    assert "what we do not know about you" in sentence


# ------------------------------------------------------------------------------------------
# An option shown by its own trial's results only: the same trial numbers everywhere
# ------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.\[])\d+(?:\.\d+)?(?![\w\]])")


def _trial_numbers(text: str) -> list[str]:
    """The numbers a trial-results text states, in order (source markers and '100' of 'out of
    100' left out)."""
    text = re.sub(r"\[[\d,\s–-]+\]", " ", text).replace("out of 100", "out of")
    return _NUMBER.findall(text)


def test_trial_only_options_show_the_same_trial_numbers_everywhere(surfaces):
    missed = [o for o in surfaces.result.options if o.display == "trial_results_only"]
    assert [o.option for o in missed] == [o.option for o in surfaces.result.options
                                          if o.calibration is not None and not o.calibration.within]
    pdf = " ".join(read_pdf_text(surfaces.pdf).split())
    plain = surfaces.plain.splitlines()
    for o in missed:
        page = words(surfaces.page.find(id=f"trial-results-{o.option}").get_text(" "))
        page = page.split("what its own trial saw", 1)[1]
        start = pdf.index(f"{o.plain_label}: what its own trial saw.") + len(f"{o.plain_label}: what its own trial saw.")
        rest = pdf[start:]
        stops = [i for i in [rest.find(f"{x.plain_label}: what its own trial saw.") for x in missed]
                 + [rest.find("Most common serious side effects")] if i >= 0]
        leaflet = rest[: min(stops)]
        para = words(plain[plain.index(f"{o.plain_label}, compared with no maintenance") + 1])
        # --plain's trial sentences: the library's plain section says which they are; each is printed
        section = next(x for x in summarize(surfaces.result, surfaces.years).sections if x.option == o.option)
        trial = [t for t, k in zip(section.sentences, section.kinds) if k.startswith(("pfs-trial", "os-trial"))]
        assert all(t in para for t in trial), o.option
        para = " ".join(trial)
        got = {"page": _trial_numbers(page), "pdf": _trial_numbers(leaflet), "plain": _trial_numbers(para)}
        assert got["page"] == got["plain"], (o.option, got)
        # the leaflet says why once for all such options, without each one's numbers (2 pages)
        assert got["page"] == _trial_numbers(round_text(o.display_reason or "")) + got["pdf"], (o.option, got)
        # and they are the library's: each arm result (whole), follow-up and hazard ratio (2 decimals)
        c = o.calibration
        want = {str(round(r.published)) for r in c.rows if r.published is not None}
        want |= {str(round(r.follow_up_months)) for r in c.rows if r.follow_up_months is not None}
        want |= {f"{x:.2f}" for e in c.trial_effects for x in (e.hazard_ratio.estimate, e.hazard_ratio.lower,
                                                                 e.hazard_ratio.upper) if x is not None}
        assert want <= set(got["page"]), (o.option, want - set(got["page"]))
        assert o.display_reason is not None and o.display_reason.split(". ")[0] in page
        # the JSON says the same, and holds no number for the person
        js = next(x for x in surfaces.json["options"] if x["option"] == o.option)
        assert js["display"] == "trial_results_only" and js["display_reason"] == o.display_reason
        assert js["median_pfs_months"]["estimate"] is None
        assert all(v["estimate"] is None for h in js["horizons"] for v in h.values() if isinstance(v, dict))


def test_a_response_used_as_another_level_says_so_on_every_surface(surfaces):
    """VGPR, PR and SD take CR's effect (the evidence compares sCR with CR only): the JSON, the page
    and --plain each say which level was used and that it may be optimistic."""
    use = next(u for u in surfaces.result.inputs if u.field == "response")
    given = surfaces.result.profile.response
    if given not in ("VGPR", "PR", "SD"):
        assert "is taken as" not in use.how
        return
    want = f"{given} is taken as CR, because the studies give no number for {given}"
    assert use.used and want in next(u["how"] for u in surfaces.json["inputs"] if u["field"] == "response")
    page = words(surfaces.page.find(id="effect-response").get_text(" "))
    assert f"Your answer {want}" in page and "may be too hopeful" in page, page
    assert f"Your answer {want}" in surfaces.plain.split("\n\n")[1]


def test_cli_table_says_which_response_level_was_used(table):
    result, text = table
    given = result.profile.response
    if given in ("VGPR", "PR", "SD"):
        assert f"response: {given} is taken as CR, because the studies give no number for {given}" in text
    else:
        assert "is taken as" not in text
