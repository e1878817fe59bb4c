"""The calibration against each option's own trial, in words: the table (command line, docs),
and the trial's own results shown in place of the numbers of an option whose own trial the model
misses (``personal/trial_only.py``)."""

from __future__ import annotations

from ..personal.result import CalibrationRow, OptionCalibration, SourceRef, TrialEffect
from ..personal.trial_only import missed_row
from .rounding import round_text
from .side_effect_words import capital

__all__ = ["agreement", "agreement_sentence", "effect_words", "follow_up_sentence", "model_words", "not_comparable", "published_words",
           "row_sentence", "scope_words", "single_trial_sentence", "table_markdown", "table_text", "trial_only_lines",
           "trial_only_sentences", "trial_result_sentence"]

_ENDPOINT_WORDS = {"PFS": "living without the myeloma getting worse", "OS": "alive"}


def published_words(r: CalibrationRow) -> str:
    if r.published is None:
        return "not reached"
    return f"{r.published:g}" + ("%" if r.quantity.startswith("percent") else " months")


def model_words(r: CalibrationRow) -> str:
    """The model's value; 'projected' where it lies past the follow-up of the evidence behind it."""
    if r.model is None:
        return "beyond reach" if r.comparable else "beyond reach (not comparable)"
    return f"{r.model:.1f}" + ("%" if r.quantity.startswith("percent") else " months") + (" projected" if r.projection else "")


#: what a row checks (``CalibrationRow.scope``), for the tables
_SCOPE = {"option": "own", "pool": "in pool", "same-comparison": "other trial"}


def scope_words(r: CalibrationRow) -> str:
    """'own' (the analysis the option's numbers come from), 'in pool' (a single trial inside it),
    'other trial' (the same comparison, not used), 'baseline' (an arm that sets an induction's baseline)."""
    return "baseline" if r.option == "baseline" else _SCOPE[r.scope]


def _mixed(rows: list[CalibrationRow]) -> bool:
    """Whether the rows are of more than one kind (the calibration table), so that a column says which."""
    return any(r.scope != "option" or r.option == "baseline" for r in rows)


def single_trial_sentence(rows: list[CalibrationRow]) -> str:
    """How the single trials beside pooled analyses came out (empty when there are none): they are
    counted as checks but do not decide whether an option matches its own trial."""
    pooled = [r for r in rows if r.scope == "pool" and not r.fitted and r.comparable]
    other = [r for r in rows if r.scope == "same-comparison" and not r.fitted and r.comparable]
    if not pooled and not other:
        return ""
    parts = []
    if pooled:
        parts.append(f"{sum(r.within_tolerance for r in pooled)} of {len(pooled)} rows of single trials inside a pooled analysis")
    if other:
        parts.append(f"{sum(r.within_tolerance for r in other)} of {len(other)} rows of other trials of the same comparison")
    return (f"Of these, {' and '.join(parts)} agree; they are checks, but only the rows of the analysis "
            "an option's numbers come from decide whether it matches its own trial.")


def _verdict(r: CalibrationRow) -> str:
    return "fitted" if r.fitted else "not comparable" if not r.comparable else "yes" if r.within_tolerance else "no"


def agreement(rows: list[CalibrationRow]) -> tuple[int, int, int]:
    """(checks within tolerance, checks, fitted rows): a fitted row agrees by construction, so it is
    not a check; a row with no model number to compare (``comparable`` false) is neither (see
    ``not_comparable``)."""
    fitted = sum(r.fitted for r in rows)
    return (sum(r.within_tolerance and not r.fitted for r in rows),
            len(rows) - fitted - not_comparable(rows), fitted)


def not_comparable(rows: list[CalibrationRow]) -> int:
    """Rows that cannot be judged: the model's median past the longest time it projects, or a
    published 'not reached' whose follow-up is not given."""
    return sum(not r.comparable and not r.fitted for r in rows)


def agreement_sentence(rows: list[CalibrationRow]) -> str:
    """The rows' agreement in one plain sentence (the calibration figure's summary)."""
    within, checks, fitted = agreement(rows)
    more = ("" if not fitted else "; 1 more result was used to set the model, so it agrees by design" if fitted == 1
            else f"; {fitted} more results were used to set the model, so they agree by design")
    return f"{within} of {checks} checks agree with the trial{more}."


def table_text(rows: list[CalibrationRow]) -> str:
    head: tuple[str, ...] = ("option", "check", "trial (analysis)", "arm", "endpoint", "quantity", "published", "model", "within")
    body = [(r.option, scope_words(r), f"{r.trial_name} ({r.analysis})", r.arm_label, r.endpoint, r.quantity,
             published_words(r), model_words(r), _verdict(r)) for r in rows]
    if not _mixed(rows):  # held-out studies only: every row is of one kind
        head, body = head[:1] + head[2:], [line[:1] + line[2:] for line in body]
    widths = [max(len(str(x[i])) for x in (head, *body)) for i in range(len(head))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip() for line in (head, *body)]
    within, checks, fitted = agreement(rows)
    more = f" ({fitted} more fitted, so agreeing by construction)" if fitted else ""
    apart = not_comparable(rows)
    more += (f" ({apart} more not comparable: the model's median past its longest projection, or a "
             "'not reached' with no follow-up to judge it by)") if apart else ""
    single = single_trial_sentence(rows)
    lines += ["", f"{within} of {checks} rows within tolerance{more}.{' ' + single if single else ''} Tolerances: a median within 15% of the "
              "published one; a landmark within 10 percentage points; a published 'not reached' agrees "
              "when the model's median lies past that analysis' follow-up. 'projected': the model's median "
              "lies past the follow-up of its own evidence, and its projected median is compared. Model values: an average "
              "trial patient (AURIGA: MRD-positive) with the trial's induction. Sources: mmdecide calibration --json."]
    return "\n".join(lines)


def table_markdown(rows: list[CalibrationRow]) -> str:
    check = _mixed(rows)
    out = ["| option |" + (" check |" if check else "") + " trial (analysis) | arm | endpoint | quantity | published | model | within |",
           "|---|" + ("---|" if check else "") + "---|---|---|---|---|---|---|"]
    out += [f"| {r.option} |" + (f" {scope_words(r)} |" if check else "") + f" {r.trial} ({r.analysis}) | {r.arm} | "
            f"{r.endpoint} | {r.quantity} | {published_words(r)} | {model_words(r)} | {_verdict(r)} |" for r in rows]
    return "\n".join(out)


def _who(r: CalibrationRow) -> str:
    if r.model_arm == "observation":
        return "people with no maintenance"
    if r.model_arm == r.option:
        return "people who took it"
    return "people who took lenalidomide alone"


def row_sentence(r: CalibrationRow) -> str:
    """One published arm result beside the model's, in short plain sentences."""
    what = "alive without the myeloma coming back" if r.endpoint == "PFS" else "alive"
    if r.quantity.startswith("median"):
        # whole months, as every patient view rounds them (the table keeps the published digits)
        trial = (f"In the trial, more than half of {_who(r)} were still {what} when it last reported."
                 if r.published is None else f"In the trial, half of {_who(r)} were still {what} at {r.published:.0f} months.")
        return f"{trial} {_model_median_sentence(r)}"
    months = r.quantity.removeprefix("percent at ").removesuffix(" months")
    model = "Our numbers have no value." if r.model is None else f"Our numbers say {r.model:.0f} out of 100."
    return f"In the trial, {r.published:.0f} out of 100 {_who(r)} were {what} after {months} months. {model}"


def _model_median_sentence(r: CalibrationRow) -> str:
    """The model's median in plain words; a projection is said to be one, and beside a 'not reached'
    only whether it, too, lies past the trial's follow-up (estimates give no number there)."""
    if r.model is None:
        return "Our numbers give no time for this."
    if r.published is None and r.projection:
        past = r.follow_up_months is None or r.model > r.follow_up_months
        return "Our numbers also put it past that time." if past else f"Our numbers say {r.model:.0f} months."
    if r.projection:
        return f"Our numbers, carried past what their trials saw, say {r.model:.0f} months."
    return f"Our numbers say {r.model:.0f} months."


def effect_words(e: TrialEffect) -> str:
    """The trial's hazard ratio, as written for the care team (trial arm labels)."""
    hr = e.hazard_ratio
    ci = f" (95% CI {hr.lower:.2f} to {hr.upper:.2f})" if hr.lower is not None and hr.upper is not None else ""
    what = "progression or death" if e.endpoint == "PFS" else "death"
    return f"{e.trial_name}: {e.comparison}, hazard ratio for {what} {hr.estimate:.2f}{ci}"


def _effect_plain(e: TrialEffect, control: str) -> str:
    hr = e.hazard_ratio
    what = "the myeloma coming back" if e.endpoint == "PFS" else "dying"
    rng = f" (between {hr.lower:.2f} and {hr.upper:.2f})" if hr.lower is not None and hr.upper is not None else ""
    return f"In the trial, the chance of {what} was {hr.estimate:.2f} times the chance {control}{rng}."


def _trial_who(r: CalibrationRow, name: str) -> str:
    if r.model_arm == r.option:
        return f"people who took {name}"
    if r.arm == "placebo":
        return "people who took a dummy pill"
    return _who(r)


def trial_result_sentence(r: CalibrationRow, name: str = "it", first: CalibrationRow | None = None) -> str:
    """One published arm result of the trial alone (no model number), in plain words; with
    ``first`` (the other arm's result of the same quantity, said just before) in a short sentence
    that leans on it ('With a dummy pill, it was 21 months.')."""
    what = "alive without the myeloma coming back" if r.endpoint == "PFS" else "alive"
    who = _trial_who(r, name)
    if first is not None:
        arm = capital(_control(r, name))
        if r.quantity.startswith("median"):
            if r.published is None:
                return (f"{arm}, the same was true." if first.published is None
                        else f"{arm}, more than half were still {what} when it last reported.")
            if first.published is None:
                return f"{arm}, half were still {what} at {r.published:g} months."
            return f"{arm}, it was {r.published:g} months."
        return f"{arm}, it was {r.published:.0f} out of 100."
    if r.quantity.startswith("median"):
        if r.published is None:
            return f"In the trial, more than half of {who} were still {what} when it last reported."
        return f"In the trial, half of {who} were still {what} at {r.published:g} months."
    months = r.quantity.removeprefix("percent at ").removesuffix(" months")
    return f"In the trial, {r.published:.0f} out of 100 {who} were {what} after {months} months."


def _control(r: CalibrationRow, name: str) -> str:
    """'with a dummy pill', 'with lenalidomide alone', 'with no maintenance', 'with it'."""
    return _trial_who(r, name).replace("people who took ", "with ").replace("people with ", "with ")


def follow_up_sentence(months: float) -> str:
    """The median follow-up of a trial analysis, in plain words."""
    return f"Half the people were followed for over {months:g} months."


def trial_only_sentences(reason: str, c: OptionCalibration, name: str = "it"
                         ) -> list[tuple[str, str, list[SourceRef]]]:
    """What an option shows when its own trial is missed: the reason, then per endpoint (PFS, then
    OS) the trial's arm results with their follow-up and the trial's hazard ratio. Each entry is
    (endpoint or '' for the reason, sentence, the sources of its numbers)."""
    missed = missed_row(c)  # the trial's number the reason states cites its source
    why = [missed.source] if missed is not None and missed.source is not None and missed.published is not None else []
    out: list[tuple[str, str, list[SourceRef]]] = [
        ("", part if part.endswith(".") else part + ".", why if any(ch.isdigit() for ch in part) else [])
        for part in reason.split(". ") if part.strip()]
    controls = {r.trial: _control(r, name) for r in c.rows if r.model_arm != r.option}
    for endpoint in ("PFS", "OS"):
        rows = [r for r in c.rows if r.endpoint == endpoint and r.option != "baseline"]
        for i, r in enumerate(rows):
            prev = rows[i - 1] if i else None
            same = prev is not None and (prev.trial, prev.analysis, prev.quantity) == (r.trial, r.analysis, r.quantity)
            src = [r.source] if r.source is not None else []
            out.append((endpoint, trial_result_sentence(r, name, prev if same else None),
                        src if r.published is not None else []))
            nxt = rows[i + 1] if i + 1 < len(rows) else None
            if r.follow_up_months is not None and (nxt is None or (nxt.trial, nxt.analysis) != (r.trial, r.analysis)):
                out.append((endpoint, follow_up_sentence(r.follow_up_months), src))  # after the analysis' arms
        out += [(endpoint, _effect_plain(e, controls.get(e.trial, "without it")), list(e.hazard_ratio.sources))
                for e in c.trial_effects if e.endpoint == endpoint]
    # months and percents in whole numbers, as every patient view rounds them (report/rounding.py)
    return [(endpoint, round_text(sentence), sources) for endpoint, sentence, sources in out]


def trial_only_lines(c: OptionCalibration) -> list[str]:
    """The trial's results for the care team (the estimate table): published values with their digits."""
    lines = []
    for r in c.rows:
        fu = f"; median follow-up {r.follow_up_months:g} months" if r.follow_up_months is not None else ""
        cite = _cite(r.source)
        lines.append(f"{r.trial_name} ({r.analysis}), {r.arm_label}, {r.endpoint} {r.quantity}: "
                     f"{published_words(r)}{fu}{cite}")
    for e in c.trial_effects:
        lines.append(effect_words(e) + _cite(e.hazard_ratio.sources[0] if e.hazard_ratio.sources else None))
    return lines


def _cite(src: SourceRef | None) -> str:
    """' [evidence id: locator]', flagged when it is not a primary publication (full sources: --json)."""
    if src is None:
        return ""
    kind = "" if src.tier == "primary" else "; regulatory label" if src.tier == "label" else "; secondary source"
    return f" [{src.evidence}: {src.locator}{kind}]"
