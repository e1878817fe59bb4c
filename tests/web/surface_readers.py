"""Reading the four surfaces of an estimate as a person reads them, and what each should show
(``test_surfaces_agree.py``): the results page's visible text, the summary PDF's text, ``estimate
--plain`` and the ``estimate`` table, each turned into the same small records."""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

from bs4 import BeautifulSoup
from pypdf import PdfReader

from mmdecide.personal.result import EstimateResult, HorizonResult, Number, OptionResult
from mmdecide.report.plain_language import EXTRAPOLATED_SENTENCE, STRENGTH_WORDS


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
#: an option whose own trial the model misses: no number for the person, the trial's results instead
TRIAL_ONLY = Shown("trial results only", None, None, False)


@dataclass(frozen=True)
class Flags:
    not_studied: bool
    trial_only: bool
    strength: str  # in the words every patient surface uses
    indirect: bool

    @classmethod
    def of(cls, o: OptionResult) -> Flags:
        reference = o.option == "observation"  # the comparison: no strength of its own is shown
        return cls(not_studied=bool(o.outside_population),
                   trial_only=o.calibration is not None and not o.calibration.within,
                   strength="" if reference else STRENGTH_WORDS[o.evidence.strength],
                   indirect=o.evidence.kind == "indirect")


def at_years(o: OptionResult, years: float) -> HorizonResult:
    return next(h for h in o.horizons if h.years == years)


def expected(result: EstimateResult, years: float) -> dict[str, tuple[Shown, Shown, Flags]]:
    """Per option: (alive without progression, alive, flags), from the percents (not from the
    rounded out-of-100 fields the surfaces print, so a rounding slip on the way shows)."""
    out = {}
    for o in result.options:
        h = at_years(o, years)
        if o.display == "trial_results_only":
            out[o.option] = (TRIAL_ONLY, TRIAL_ONLY, Flags.of(o))
            continue
        out[o.option] = (Shown.of(h.pfs_percent), Shown.of(h.os_percent), Flags.of(o))
    return out


# ------------------------------------------------------------------------------------------
# Reading the surfaces
# ------------------------------------------------------------------------------------------

COUNT = r"(\d+|fewer than 1)"


def count_value(token: str) -> int:
    return 0 if token == "fewer than 1" else int(token)


#: "42 in 100 (between 19 and 62)", "42 in 100 (about 42)", "42 (19 to 62)", "42 (42)", or "not known"
_WITH_RANGE = re.compile(
    rf"(?P<missing>not known)|{COUNT} (?:in 100 )?\((?:between {COUNT} and {COUNT}|about {COUNT}|{COUNT} to {COUNT}"
    rf"|{COUNT}|the whole range is below (1))\)"
    r"(?P<rest>(?: beyond trial follow-up| indirect comparison|\s*\[[\d,\s–-]+\])*)")


def numbers_in(text: str, said=count_value) -> list[Shown]:
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


def words(text: str) -> str:
    return " ".join(text.split())


def read_page(soup: BeautifulSoup, labels: dict[str, str]) -> dict[str, tuple[Shown, Shown, Flags]]:
    """The first layer of the results page: one card per option."""
    out = {}
    for option in labels:
        card = soup.find(id=f"glance-{option}")
        assert card is not None, f"no card for {option}"
        cells = [words(soup.find(id=f"glance-{ep}-{option}").get_text(" ")) for ep in ("pfs", "os")]
        pfs, os_ = ([TRIAL_ONLY] if c.startswith("Not worked out for you.") else numbers_in(c) for c in cells)
        assert len(pfs) == 1 and len(os_) == 1, (option, pfs, os_)
        text = words(card.get_text(" ")).lower()
        evidence = words(card.select_one(".evidence-line").get_text(" "))
        strength = re.search(r"Evidence: (\w+(?: \w+)?) ?(?:\.|$)", evidence)
        flags = Flags(not_studied="not studied in people like you" in text,
                      trial_only="trial results only: our model could not match this option's own trial" in text,
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


def read_pdf_text(pdf: bytes) -> str:
    """The PDF's text, whitespace joined, a word broken at a line end joined again."""
    return _pdf_text(pdf)


def _pdf_text(pdf: bytes) -> str:
    text = words(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages))
    return re.sub(r"(?<=[a-z])- (?=[a-z])", "-", text)  # "follow- up": a word broken at a line end


def read_pdf_numbers(pdf: bytes, labels: dict[str, str]) -> dict[str, list[Shown]]:
    """Each option's numbers with a range, in its first place in the PDF (its row), counts in words."""
    return {option: numbers_in(seg, str) for option, seg in _segments(_pdf_text(pdf), labels).items()}


def read_pdf(pdf: bytes, labels: dict[str, str]) -> dict[str, tuple[Shown, Shown, Flags]]:
    """The summary PDF: each option's first place (its row), its first two numbers with a range
    (alive without progression, then alive) and the flags said in the same place."""
    text = _pdf_text(pdf)
    out = {}
    for option, seg in _segments(text, labels).items():
        numbers = numbers_in(seg)
        trial_only = seg.split(labels[option], 1)[1].lstrip().startswith("Trial results only: not worked out for me")
        if trial_only:  # the row's two survival cells, one flagged cell in their place
            numbers = [TRIAL_ONLY, TRIAL_ONLY]
        assert len(numbers) >= 2, (option, seg[:300])
        low = seg.lower()
        strength = next((w for w in sorted(STRENGTH_WORDS.values(), key=len, reverse=True)
                         if re.search(rf"\b{w}\b", low)), "")
        out[option] = (numbers[0], numbers[1], Flags(
            not_studied="not studied in people like you" in low,
            trial_only=trial_only,
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
        para = words(lines[lines.index(heading) + 1])
        parts = plain_parts(para)
        strength = re.search(r"The evidence for this is (\w+(?: \w+)?) because", para)
        flags = Flags(not_studied="Not studied in people like you." in para,
                      trial_only=para.startswith("Our model could not match this option's own trial"),
                      strength=strength.group(1) if strength else "",
                      indirect="no trial compared it with no maintenance directly" in para)
        if flags.trial_only:  # no number for the person: the trial's results (no maintenance's are not said)
            out[o.option] = ((TRIAL_ONLY, False), (TRIAL_ONLY, False), flags, para)
            continue
        out[o.option] = (_plain_numbers(parts["pfs"], 1), _plain_numbers(parts["os"], 1), flags, para)
        out["observation"] = (_plain_numbers(parts["pfs"], 0), _plain_numbers(parts["os"], 0), None, para)
    return out


#: A sentence that states an absolute number (or says the studies do not give it) opens a part.
_OPENS = re.compile(r"^(?:With [^,]+, (?:about )?(?:\d+|fewer than 1) out of 100 people like you would "
                    r"|The studies do not tell us how many people like you would )(?P<what>be alive without|"
                    r"be alive after|be alive|get)")


def plain_parts(para: str) -> dict[str, list[str]]:
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
    rf"^With [^,]+, (?:about )?{COUNT} out of 100 .*?"
    rf"(?: \(between {COUNT} and {COUNT}\)| \(the whole range rounds to {COUNT}\))?\.(?: \[[\d, ]+\])?$")


def _plain_numbers(part: list[str], which: int) -> tuple[Shown, bool]:
    """The ``which``-th absolute sentence of a part (0: no maintenance, 1: the option), and
    whether the part says its numbers are projections."""
    said = [s for s in part if _OPENS.match(s)]
    projection = any(s.startswith(EXTRAPOLATED_SENTENCE) for s in part)
    m = _PLAIN_NUMBER.match(said[which])
    if m is None:
        assert said[which].startswith("The studies do not tell us"), said[which]
        return NOT_KNOWN, projection
    lo, hi = (count_value(m.group(2)), count_value(m.group(3))) if m.group(2) else (count_value(m.group(4)),) * 2
    return Shown(count_value(m.group(1)), lo, hi, False), projection


# ------------------------------------------------------------------------------------------
# Medians and the command line's table
# ------------------------------------------------------------------------------------------


def floor_text(x: float, digits: int) -> str:
    return f"{math.floor(x * 10 ** digits + 1e-9) / 10 ** digits:g}"


TABLE_CELL = r"(not known|\d+(?: \(\d+-\d+\))?\*?)"
TABLE_ROW = re.compile(rf"^\s+([\d.]+)\s+{TABLE_CELL}\s+{TABLE_CELL}\s")


def table_cell(cell: str) -> Shown:
    if cell == "not known":
        return NOT_KNOWN
    m = re.match(r"(\d+)(?: \((\d+)-(\d+)\))?(\*?)$", cell)
    value = int(m.group(1))
    lo, hi = (int(m.group(2)), int(m.group(3))) if m.group(2) else (value, value)
    return Shown(value, lo, hi, m.group(4) == "*")


# ------------------------------------------------------------------------------------------
# Second cancers: a percent below 1 reads "fewer than 1", never 0
# ------------------------------------------------------------------------------------------

SPM = ("spm_hematologic_percent", "spm_solid_percent", "spm_any_percent")


def _count_words(x: float) -> str:
    return "fewer than 1" if 0 < x and round(x) == 0 else str(round(x))


def spm_expected(o: OptionResult, years: float) -> dict[str, Shown]:
    """The option's second cancers as people read them: counts in words, "fewer than 1" for a
    number above 0 that rounds to 0 (``mmdecide.report.rounding``)."""
    out = {}
    for field in SPM:
        n: Number = getattr(at_years(o, years), field)
        out[field] = NOT_KNOWN if n.estimate is None else Shown(
            _count_words(n.estimate), _count_words(n.lower), _count_words(n.upper), n.extrapolated)
    return out


def plain_spm(part: list[str], what: str) -> list[Shown]:
    """The counts of the sentences 'With X, about N out of 100 people like you would get <what>'."""
    out = []
    for sentence in part:
        m = re.match(rf"With [^,]+, (?:about )?{COUNT} out of 100 people like you would get {what} after "
                     rf"[\d.]+ \w+(?: \(between {COUNT} and {COUNT}\)| \(the whole range rounds to {COUNT}\)"
                     rf"| \(the whole range is below (1)\))?\.",
                     sentence)
        if m:
            lo, hi = ((m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(4)) if m.group(4)
                      else ("fewer than 1", "fewer than 1"))
            out.append(Shown(m.group(1), lo, hi, False))
    return out


SPM_WORDS = {"spm_hematologic_percent": "a second blood cancer",
              "spm_solid_percent": "a second cancer that is not a blood cancer",
              "spm_any_percent": "a second cancer of any kind"}
