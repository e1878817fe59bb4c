"""Rounding for people: percents and months as whole numbers in every patient view.

The JSON keeps exact values; the web pages, the printable summary and ``estimate --plain`` show
"32% (26 to 38)", never "32% (26.3211 to 38.2678)". Hazard ratios keep two decimals (their own
formatter). A percent below 1 is not rounded to 0: it reads "less than 1%" as a computed figure,
and a figure quoted from a source (e.g. an MRD test's sensitivity of 0.004%) keeps its digits.
"""

from __future__ import annotations

import math
import re

__all__ = ["more_than_months", "percent", "percent_range", "round_text", "upper_months"]


def percent(x: float | None) -> str:
    """'32', 'less than 1' (above 0 but rounding to 0) or 'not known'; the caller adds '%'."""
    if x is None or not math.isfinite(x):
        return "not known"
    n = round(x)
    if n == 0 and x > 0:
        return "less than 1"
    return str(n)


def percent_range(lower: float | None, upper: float | None) -> str:
    """'26 to 38' (no unit), or '' without both bounds."""
    if lower is None or upper is None:
        return ""
    lo, hi = percent(lower), percent(upper)
    return lo if lo == hi else f"{lo} to {hi}"


def more_than_months(follow_up: float, digits: int = 0) -> str:
    """'more than 33 months': how a median past the trials' follow-up (``Number.beyond_follow_up``)
    reads on every surface. Rounded down, not to the nearest: a follow-up of 33.8 months says
    "more than 33", which stays true, where "more than 34" would not."""
    scale = 10 ** digits
    # the small nudge keeps a value like 33.7 (33.699999... in binary) from becoming 33.6
    return f"more than {math.floor(follow_up * scale + 1e-9) / scale:g} months"


def upper_months(upper: float | None, beyond_follow_up: float | None, capped: bool, digits: int = 0,
                 projection: bool = False) -> str:
    """A median's upper bound: 'more than 180' when it reached the model's cap, 'more than 80' when
    it lies past the trials' follow-up (``Number.upper_beyond_follow_up``), else the number. With
    ``projection`` (a range given as the model's projection, already marked so) only the cap is said."""
    if upper is None or not math.isfinite(upper):
        return "not known"
    if capped:
        return f"more than {math.floor(upper):d}"
    if beyond_follow_up is not None and not projection:
        return more_than_months(beyond_follow_up, digits).removesuffix(" months")
    return f"{upper:.{digits}f}"


#: a decimal number directly followed by a percent sign or months: the quantities read as whole
_DECIMAL_AMOUNT = re.compile(r"(?<![\d.])(\d+\.\d+)(?=\s*(?:%|months?\b|-month\b))")


def round_text(text: str | None) -> str:
    """Free text from the evidence base with its percents and months rounded to whole numbers.

    "median follow-up 44.7 months" -> "median follow-up 45 months"; "17.2% progressed" ->
    "17% progressed". Numbers below 1 keep their digits (rounding would make them 0), and every
    other number (doses, lab values, hazard ratios, section numbers, DOIs) is left as written.
    """
    if not text:
        return text or ""

    def whole(m: re.Match[str]) -> str:
        x = float(m.group(1))
        return m.group(1) if x < 1 else str(round(x))

    return _DECIMAL_AMOUNT.sub(whole, text)
