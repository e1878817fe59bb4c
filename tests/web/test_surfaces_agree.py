"""The four surfaces agree: the results page, the summary PDF, the JSON API and ``estimate --plain``
show the same numbers and the same flags as the estimate the library returns.

For each profile, the expected values come from :func:`mmdecide.api.estimate` at test time (no
number is written here). Each surface is read as a person reads it: the page's visible text (found
by the cards' ids), the PDF's text (pypdf, whitespace joined, read option by option so a new layout
still parses), the answer of ``POST /api/v1/estimate``, and the printed ``--plain`` text. What is
compared, per option and at the horizon each surface shows:

- alive without progression and alive, out of 100, with the 95% range (whole numbers);
- the flags: beyond the trials' follow-up (projection), "not studied in people like you", the
  option's numbers not matching its own trial, and weak or indirect evidence.
"""

from __future__ import annotations

import functools
import io
import math
import json
import re
import warnings
from dataclasses import dataclass, replace

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from typer.testing import CliRunner

from mmdecide import api
from mmdecide.cli import app as cli_app
from mmdecide.personal.options import OPTIONS
from mmdecide.personal.result import EstimateResult, HorizonResult, Number, OptionResult
from mmdecide.report.plain_language import EXTRAPOLATED_SENTENCE, STRENGTH_WORDS
from mmdecide.web import Settings, create_app

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
# What every surface should show, from the library's estimate
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One number as a person reads it: the whole number and its range, rounded."""

    value: int | str | None  # None: "not known" (the studies do not give it)
    lower: int | str | None
    upper: int | str | None
    projection: bool

    @classmethod
    def of(cls, n: Number) -> Shown:
        if n.estimate is None:
            return NOT_KNOWN
        assert n.lower is not None and n.upper is not None
        return cls(round(n.estimate), round(n.lower), round(n.upper), n.extrapolated)


NOT_KNOWN = Shown(None, None, None, False)


@dataclass(frozen=True)
class Flags:
    not_studied: bool
    mismatch: bool
    strength: str  # in the words every patient surface uses
    indirect: bool

    @classmethod
    def of(cls, o: OptionResult) -> Flags:
        reference = o.option == "observation"  # the comparison: no strength of its own is shown
        return cls(not_studied=bool(o.outside_population),
                   mismatch=o.calibration is not None and not o.calibration.within,
                   strength="" if reference else STRENGTH_WORDS[o.evidence.strength],
                   indirect=o.evidence.kind == "indirect")


def _at(o: OptionResult, years: float) -> HorizonResult:
    return next(h for h in o.horizons if h.years == years)


def expected(result: EstimateResult, years: float) -> dict[str, tuple[Shown, Shown, Flags]]:
    """Per option: (alive without progression, alive, flags), from the percents (not from the
    rounded out-of-100 fields the surfaces print, so a rounding slip on the way shows)."""
    out = {}
    for o in result.options:
        h = _at(o, years)
        out[o.option] = (Shown.of(h.pfs_percent), Shown.of(h.os_percent), Flags.of(o))
    return out


# ------------------------------------------------------------------------------------------
# Reading the surfaces
# ------------------------------------------------------------------------------------------

_COUNT = r"(\d+|fewer than 1)"


def _int(token: str) -> int:
    return 0 if token == "fewer than 1" else int(token)


#: "42 in 100 (between 19 and 62)", "42 in 100 (about 42)", "42 (19 to 62)", "42 (42)", or "not known"
_WITH_RANGE = re.compile(
    rf"(?P<missing>not known)|{_COUNT} (?:in 100 )?\((?:between {_COUNT} and {_COUNT}|about {_COUNT}|{_COUNT} to {_COUNT}"
    rf"|{_COUNT}|the whole range is below (1))\)"
    r"(?P<rest>(?: beyond trial follow-up| indirect comparison|\s*\[[\d,\s–-]+\])*)")


def _numbers(text: str, said=_int) -> list[Shown]:
    """Every number with its range in ``text``, in order; ``said`` turns a count's words into the
    value compared (a whole number, or the words themselves where "fewer than 1" matters)."""
    out = []
    for m in _WITH_RANGE.finditer(text):
        if m.group("missing"):
            out.append(NOT_KNOWN)
            continue
        g = m.groups()[1:8]
        value = said(g[0])
        if g[1] is not None:
            lo, hi = said(g[1]), said(g[2])
        elif g[3] is not None:
            lo = hi = said(g[3])
        elif g[4] is not None:
            lo, hi = said(g[4]), said(g[5])
        elif g[6] is not None:
            lo = hi = said(g[6])
        else:
            lo = hi = said("fewer than 1")
        out.append(Shown(value, lo, hi, "beyond trial follow-up" in m.group("rest")))
    return out


def _words(text: str) -> str:
    return " ".join(text.split())


def read_page(soup: BeautifulSoup, labels: dict[str, str]) -> dict[str, tuple[Shown, Shown, Flags]]:
    """The first layer of the results page: one card per option."""
    out = {}
    for option in labels:
        card = soup.find(id=f"glance-{option}")
        assert card is not None, f"no card for {option}"
        pfs = _numbers(_words(soup.find(id=f"glance-pfs-{option}").get_text(" ")))
        os_ = _numbers(_words(soup.find(id=f"glance-os-{option}").get_text(" ")))
        assert len(pfs) == 1 and len(os_) == 1, (option, pfs, os_)
        text = _words(card.get_text(" ")).lower()
        evidence = _words(card.select_one(".evidence-line").get_text(" "))
        strength = re.search(r"Evidence: (\w+(?: \w+)?) ?(?:\.|$)", evidence)
        flags = Flags(not_studied="not studied in people like you" in text,
                      mismatch="do not match this option's own trial" in text,
                      strength=strength.group(1) if strength else "",
                      indirect="not tested against no maintenance" in text)
        out[option] = (pfs[0], os_[0], flags)
    return out


def _segments(text: str, labels: dict[str, str]) -> dict[str, str]:
    """Each option's part of a text: from its label's first place to the next option's label."""
    starts = sorted((text.index(label), option) for option, label in labels.items() if label in text)
    assert len(starts) == len(labels), f"options missing: {set(labels) - {o for _, o in starts}}"
    return {option: text[at: starts[i + 1][0] if i + 1 < len(starts) else len(text)]
            for i, (at, option) in enumerate(starts)}


def _pdf_text(pdf: bytes) -> str:
    text = _words(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages))
    return re.sub(r"(?<=[a-z])- (?=[a-z])", "-", text)  # "follow- up": a word broken at a line end


def read_pdf_numbers(pdf: bytes, labels: dict[str, str]) -> dict[str, list[Shown]]:
    """Each option's numbers with a range, in its first place in the PDF (its row), counts in words."""
    return {option: _numbers(seg, str) for option, seg in _segments(_pdf_text(pdf), labels).items()}


def read_pdf(pdf: bytes, labels: dict[str, str]) -> dict[str, tuple[Shown, Shown, Flags]]:
    """The summary PDF: each option's first place (its row), its first two numbers with a range
    (alive without progression, then alive) and the flags said in the same place."""
    text = _pdf_text(pdf)
    out = {}
    for option, seg in _segments(text, labels).items():
        numbers = _numbers(seg)
        assert len(numbers) >= 2, (option, seg[:300])
        low = seg.lower()
        strength = next((w for w in sorted(STRENGTH_WORDS.values(), key=len, reverse=True)
                         if re.search(rf"\b{w}\b", low)), "")
        out[option] = (numbers[0], numbers[1], Flags(
            not_studied="not studied in people like you" in low,
            mismatch="does not match its own trial" in low,
            strength=strength, indirect="indirect" in low))
    return out


def read_plain(text: str, result: EstimateResult) -> dict[str, tuple]:
    """``estimate --plain``: one section per option, which says no maintenance's numbers too.
    Per option: ((alive without progression, projection said), (alive, projection said), flags,
    the section's text); for "observation" the no-maintenance numbers of the last section."""
    lines = text.splitlines()
    out: dict[str, tuple] = {}
    for o in result.options:
        if o.option == "observation":
            continue
        heading = f"{o.plain_label}, compared with no maintenance"
        assert heading in lines, f"no section for {o.option}"
        para = _words(lines[lines.index(heading) + 1])
        parts = _plain_parts(para)
        strength = re.search(r"The evidence for this is (\w+(?: \w+)?) because", para)
        flags = Flags(not_studied="Not studied in people like you." in para,
                      mismatch=False,  # compared in the test, with the option's own reason
                      strength=strength.group(1) if strength else "",
                      indirect="no trial compared it with no maintenance directly" in para)
        out[o.option] = (_plain_numbers(parts["pfs"], 1), _plain_numbers(parts["os"], 1), flags, para)
        out["observation"] = (_plain_numbers(parts["pfs"], 0), _plain_numbers(parts["os"], 0), None, para)
    return out


#: A sentence that states an absolute number (or says the studies do not give it) opens a part.
_OPENS = re.compile(r"^(?:With [^,]+, (?:about )?(?:\d+|fewer than 1) out of 100 people like you would "
                    r"|The studies do not tell us how many people like you would )(?P<what>be alive without|"
                    r"be alive after|be alive|get)")


def _plain_parts(para: str) -> dict[str, list[str]]:
    """A section's sentences by what they are about: 'pfs', 'os' or 'rest' (second cancers, side
    effects, evidence); a sentence without a number of its own belongs to the part before it."""
    sentences = re.split(r"(?<=[.\]])\s+(?=[A-Z])", para)
    parts: dict[str, list[str]] = {"pfs": [], "os": [], "rest": []}
    part = "pfs"
    for sentence in sentences:
        m = _OPENS.match(sentence)
        if m:
            part = {"be alive without": "pfs", "be alive after": "os", "be alive": "os"}.get(m.group("what"), "rest")
        elif sentence.startswith(("Not studied", "The evidence for this", "In the trial")):
            part = "rest"
        parts[part].append(sentence)
    return parts


_PLAIN_NUMBER = re.compile(
    rf"^With [^,]+, (?:about )?{_COUNT} out of 100 .*?"
    rf"(?: \(between {_COUNT} and {_COUNT}\)| \(the whole range rounds to {_COUNT}\))?\.(?: \[[\d, ]+\])?$")


def _plain_numbers(part: list[str], which: int) -> tuple[Shown, bool]:
    """The ``which``-th absolute sentence of a part (0: no maintenance, 1: the option), and
    whether the part says its numbers are projections."""
    said = [s for s in part if _OPENS.match(s)]
    projection = any(s.startswith(EXTRAPOLATED_SENTENCE) for s in part)
    m = _PLAIN_NUMBER.match(said[which])
    if m is None:
        assert said[which].startswith("The studies do not tell us"), said[which]
        return NOT_KNOWN, projection
    lo, hi = (_int(m.group(2)), _int(m.group(3))) if m.group(2) else (_int(m.group(4)),) * 2
    return Shown(_int(m.group(1)), lo, hi, False), projection


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
        rows = {float(tr.th.get_text(strip=True)): [_words(td.get_text(" ")) for td in tr.find_all("td")]
                for tr in surfaces.page.select(f"#{table} tbody tr")}
        for o in surfaces.result.options:
            cell_at = order.index(o.plain_label)
            assert by_label[order[cell_at]] == o.option
            for h in o.horizons:
                n: Number = getattr(h, field)
                cell = rows[h.years][cell_at]
                if n.estimate is None:
                    assert cell == "not known"
                    continue
                want = Shown.of(n)
                m = re.match(rf"{_COUNT}% \({_COUNT}%(?: to {_COUNT}%)?\)(.*)", cell)
                assert m, cell
                lo = _int(m.group(2))
                hi = _int(m.group(3)) if m.group(3) else lo
                got = Shown(_int(m.group(1)), lo, hi, "beyond trial follow-up" in m.group(4))
                assert got == want, (table, o.option, h.years)


def test_pdf_shows_the_library_numbers_and_flags(surfaces):
    want = expected(surfaces.result, surfaces.years)
    got = read_pdf(surfaces.pdf, surfaces.labels)
    for option, (pfs, os_, flags) in want.items():
        g_pfs, g_os, g_flags = got[option]
        assert (g_pfs, g_os) == (pfs, os_), option
        assert g_flags.not_studied == flags.not_studied, (option, "not studied")
        assert g_flags.mismatch == flags.mismatch, (option, "does not match its own trial")
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
        h = _at(o, surfaces.years)
        # --plain says "beyond follow-up" once per endpoint: for the option, no maintenance or the difference
        assert pfs_proj == (pfs.projection or ref_pfs.projection or h.pfs_difference_percent.extrapolated), o.option
        assert os_proj == (os_.projection or ref_os.projection or h.os_difference_percent.extrapolated), o.option
        assert g_flags.not_studied == flags.not_studied, (o.option, "not studied")
        assert g_flags.strength == flags.strength, (o.option, "evidence strength")
        assert g_flags.indirect == flags.indirect, (o.option, "indirect")
        reason = o.calibration.reason.split(". ")[0] if o.calibration is not None else None
        assert (reason is not None and reason in para) == flags.mismatch, (o.option, "does not match its own trial")


def test_the_profiles_carry_every_flag():
    """The cases above reach every flag this file compares (else a test could pass on none)."""
    seen = dict.fromkeys(("projection", "not_studied", "mismatch", "weak", "indirect", "reference_not_studied",
                          "median_beyond_follow_up", "not_known", "nothing_to_ask"), False)
    for name, years in CASES:
        result = library(name)
        for option, (pfs, os_, flags) in expected(result, years).items():
            seen["projection"] |= pfs.projection or os_.projection
            seen["not_studied"] |= flags.not_studied
            seen["reference_not_studied"] |= option == "observation" and flags.not_studied
            seen["mismatch"] |= flags.mismatch
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


def _floor(x: float, digits: int) -> str:
    return f"{math.floor(x * 10 ** digits + 1e-9) / 10 ** digits:g}"


def test_results_page_medians_past_follow_up_read_more_than(surfaces):
    """A median past the trials' follow-up reads "more than N months" (issue 8, point 7), as in
    the command line's table; the model's projection is only beside it, marked."""
    for o in surfaces.result.options:
        for endpoint, n in (("pfs", o.median_pfs_months), ("os", o.median_os_months)):
            text = _words(surfaces.page.find(id=f"median-{endpoint}-{o.option}").get_text(" "))
            if n.estimate is None:
                assert "not known" in text, (o.option, endpoint, text)
            elif n.beyond_follow_up is not None:
                assert f"at (median): more than {_floor(n.beyond_follow_up, 0)} months" in text, (o.option, text)
                assert f"the model's projection: {round(n.estimate)} months" in text, (o.option, text)
                assert "beyond trial follow-up" in text, (o.option, text)
            else:
                assert (f"at (median): {round(n.estimate)} months ({round(n.lower)} to {round(n.upper)})"
                        in text), (o.option, endpoint, text)
                assert ("beyond trial follow-up" in text) == n.extrapolated, (o.option, endpoint, text)


@pytest.fixture(scope="module", params=list(PROFILES))
def table(request) -> tuple[EstimateResult, str]:
    run = CliRunner().invoke(cli_app, ["estimate", *_cli_args(PROFILES[request.param])])
    assert run.exit_code == 0, run.output
    return library(request.param), run.output


_TABLE_CELL = r"(not known|\d+(?: \(\d+-\d+\))?\*?)"
_TABLE_ROW = re.compile(rf"^\s+([\d.]+)\s+{_TABLE_CELL}\s+{_TABLE_CELL}\s")


def _table_cell(cell: str) -> Shown:
    if cell == "not known":
        return NOT_KNOWN
    m = re.match(r"(\d+)(?: \((\d+)-(\d+)\))?(\*?)$", cell)
    value = int(m.group(1))
    lo, hi = (int(m.group(2)), int(m.group(3))) if m.group(2) else (value, value)
    return Shown(value, lo, hi, m.group(4) == "*")


def test_cli_table_shows_the_library_numbers_medians_and_flags(table):
    result, text = table
    blocks = text.split("\n\n")
    for o in result.options:
        block = next(b for b in blocks if b.startswith(f"{o.label}  ["))
        assert f"evidence {o.evidence.strength}]" in block.splitlines()[0]
        assert ("NOT STUDIED IN PEOPLE LIKE YOU" in block) == bool(o.outside_population), o.option
        assert ("DOES NOT MATCH ITS OWN TRIAL" in block) == (o.calibration is not None and not o.calibration.within)
        rows = {float(m.group(1)): (_table_cell(m.group(2)), _table_cell(m.group(3)))
                for m in map(_TABLE_ROW.match, block.splitlines()) if m}
        for h in o.horizons:
            assert rows[h.years] == (Shown.of(h.pfs_percent), Shown.of(h.os_percent)), (o.option, h.years)
        for what, n in (("progression-free survival", o.median_pfs_months), ("overall survival", o.median_os_months)):
            line = next(ln for ln in block.splitlines() if ln.strip().startswith(f"median {what}:"))
            if n.beyond_follow_up is not None:
                assert f"more than {_floor(n.beyond_follow_up, 1)} months" in line, line
            elif n.estimate is not None:
                assert f"{n.estimate:.1f} months" in line, line
            else:
                assert "not known" in line, line


# ------------------------------------------------------------------------------------------
# Second cancers: a percent below 1 reads "fewer than 1", never 0
# ------------------------------------------------------------------------------------------

_SPM = ("spm_hematologic_percent", "spm_solid_percent", "spm_any_percent")


def _count_words(x: float) -> str:
    return "fewer than 1" if 0 < x and round(x) == 0 else str(round(x))


def spm_expected(o: OptionResult, years: float) -> dict[str, Shown]:
    """The option's second cancers as people read them: counts in words, "fewer than 1" for a
    number above 0 that rounds to 0 (``mmdecide.report.rounding``)."""
    out = {}
    for field in _SPM:
        n: Number = getattr(_at(o, years), field)
        out[field] = NOT_KNOWN if n.estimate is None else Shown(
            _count_words(n.estimate), _count_words(n.lower), _count_words(n.upper), n.extrapolated)
    return out


def _plain_spm(part: list[str], what: str) -> list[Shown]:
    """The counts of the sentences 'With X, about N out of 100 people like you would get <what>'."""
    out = []
    for sentence in part:
        m = re.match(rf"With [^,]+, (?:about )?{_COUNT} out of 100 people like you would get {what} after "
                     rf"[\d.]+ \w+(?: \(between {_COUNT} and {_COUNT}\)| \(the whole range rounds to {_COUNT}\)"
                     rf"| \(the whole range is below (1)\))?\.",
                     sentence)
        if m:
            lo, hi = ((m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(4)) if m.group(4)
                      else ("fewer than 1", "fewer than 1"))
            out.append(Shown(m.group(1), lo, hi, False))
    return out


_SPM_WORDS = {"spm_hematologic_percent": "a second blood cancer",
              "spm_solid_percent": "a second cancer that is not a blood cancer",
              "spm_any_percent": "a second cancer of any kind"}


def test_second_cancers_agree_on_the_page_the_pdf_and_plain(surfaces):
    years = surfaces.years
    pdf = read_pdf_numbers(surfaces.pdf, surfaces.labels)
    plain = surfaces.plain.splitlines()
    ref = next(o for o in surfaces.result.options if o.option == "observation")
    ref_want = spm_expected(ref, years)
    for o in surfaces.result.options:
        want = spm_expected(o, years)
        # the page's card: blood and other cancers when both are known, else any second cancer
        card = _numbers(_words(surfaces.page.find(id=f"glance-spm-{o.option}").get_text(" ")), str)
        h, s_, a = (want[f] for f in _SPM)
        shown = [h, s_] if NOT_KNOWN not in (h, s_) else ([a] if a != NOT_KNOWN else [])
        assert card == shown, (o.option, "page")
        # the PDF's row: alive without progression, alive, then the three kinds of second cancer
        assert pdf[o.option][2:5] == [h, s_, a], (o.option, "PDF")
        if o.option == "observation":
            continue
        para = _words(plain[plain.index(f"{o.plain_label}, compared with no maintenance") + 1])
        rest = _plain_parts(para)["rest"]
        for field in _SPM:
            got = _plain_spm(rest, _SPM_WORDS[field])
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
        words = _words(surfaces.page.find(id=f"effect-{e.factor}").get_text(" "))
        assert ("Not used:" in words) == (not use.used), (e.factor, use.how, words)


def test_cli_table_lists_the_answers_the_json_calls_unused(table):
    result, text = table
    unused = {u.field for u in result.inputs if u.value != "not given" and not u.used}
    assert {m.group(1) for m in re.finditer(r"^Not used: (\w+) = ", text, re.M)} == unused


def test_the_answer_to_ask_for_agrees_on_the_page_plain_and_the_json(surfaces):
    """The one missing answer that would narrow the ranges most is the same on every surface
    (the page said "your MRD result" even when MRD was known or R-ISS mattered more)."""
    asks = [m["ask"] for m in surfaces.json["missing_inputs"]]
    assert asks == [m.ask for m in surfaces.result.missing_inputs]
    page = _words(surfaces.page.find(id="whatif-help").get_text(" "))
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
    page = _words(surfaces.page.find(id="range-words").get_text(" "))
    intro = surfaces.plain.split("\n\n")[1]
    sentence = next(s for s in re.split(r"(?<=\.) ", intro) if s.startswith("Each range shows"))
    assert sentence in page
    assert "what we do not know about you" in sentence
