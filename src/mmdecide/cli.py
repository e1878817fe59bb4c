"""The command line: parse, call :mod:`mmdecide.api`, print. No logic of its own.

Bad input ends with one clear line on stderr (``error: ...`` naming the file, field or option and
the rule) and exit code 2; never a traceback.
"""

from __future__ import annotations

import csv
import inspect
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer
from typer._click import (
    exceptions as click_exc,  # typer >= 0.24 vendors click; its errors live here
)
from typer.core import TyperGroup

from . import api
from .errors import EvidenceError, InputError, MmdecideError
from .fileio import atomic_write, load_json_file
from .personal.fields import ProfileField, profile_fields


class _OneLineErrors(TyperGroup):
    """Usage errors as one line (``error: mmdecide km: Missing option '--data'. ...``) instead of
    click's usage block or typer's box, and exit code 2 as for any bad input; an error mmdecide
    raises on purpose that a command did not catch is one line too (anything else is a bug and
    keeps its traceback)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_exc.NoArgsIsHelpError as exc:  # `mmdecide` or `mmdecide evidence` alone: the help
            exc.show()
            rv = 0
        except click_exc.ClickException as exc:
            where = f"{exc.ctx.command_path}: " if getattr(exc, "ctx", None) is not None else ""
            hint = f" (see `{exc.ctx.command_path} --help`)" if isinstance(exc, click_exc.UsageError) and exc.ctx else ""
            rv = _one_line(f"{where}{exc.format_message()}{hint}", exc.exit_code)
        except MmdecideError as exc:
            rv = _one_line(str(exc), EXIT_BAD_INPUT)
        except typer.Abort:
            rv = 130
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)


def _one_line(message: str, code: int) -> int:
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    return code


app = typer.Typer(
    cls=_OneLineErrors,
    help="mmdecide: evidence and survival analysis for maintenance therapy after stem-cell "
    "transplant in multiple myeloma. Information for a conversation with the care team, not advice.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
evidence_app = typer.Typer(help="The evidence base: validate, list and show evidence files.", no_args_is_help=True)
app.add_typer(evidence_app, name="evidence")
from .community.cli import db_app  # noqa: E402 (the community database commands)

app.add_typer(db_app, name="db")

EXIT_BAD_INPUT = 2


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _print_json(obj) -> None:
    typer.echo(json.dumps(api.clean_json(obj), indent=2, allow_nan=False))


def _fmt(x, digits: int = 4) -> str:
    if x is None:
        return "NA"
    if isinstance(x, float):
        if x != x or x in (float("inf"), float("-inf")):
            return "NA"
        return f"{x:.{digits}g}"
    return str(x)


# -- evidence ------------------------------------------------------------------------------------

@evidence_app.command("validate")
def evidence_validate(
    path: Annotated[Optional[Path], typer.Argument(help="An evidence file or folder (default: the shipped evidence base).")] = None,
) -> None:
    """Check evidence files against the schema and rules; report every problem at once."""
    problems, n_files = api.validate_evidence(path)
    where = str(path) if path else "the shipped evidence base"
    if problems:
        for p in problems:
            typer.echo(str(p))
        typer.echo(f"{len(problems)} problem(s) in {n_files} file(s) of {where}", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: {n_files} evidence file(s) in {where} passed every rule")


def _corpus(path: Optional[Path]):
    try:
        return api.load_evidence(path)
    except EvidenceError as exc:
        _fail(str(exc))


@evidence_app.command("list")
def evidence_list(
    topic: Annotated[Optional[str], typer.Option(help="Only files with this topic (e.g. lenalidomide-vs-none).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    path: Annotated[Optional[Path], typer.Option("--path", help="Evidence folder (default: shipped).")] = None,
) -> None:
    """One line per evidence file: id, kind, topics, how many sourced numbers, title."""
    from .report.evidence_view import list_rows

    corpus = _corpus(path)
    rows = [r for r in list_rows(corpus) if topic is None or topic in r["topics"].split(",")]
    if json_out:
        _print_json(rows)
        return
    width = max((len(r["id"]) for r in rows), default=2)
    for r in rows:
        typer.echo(f"{r['id']:<{width}}  {r['kind']:<22} {r['numbers']:>4} numbers  {r['title']}")
    typer.echo(f"{len(rows)} evidence file(s)")


@evidence_app.command("audit")
def evidence_audit(
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    path: Annotated[Optional[Path], typer.Option("--path", help="Evidence folder (default: shipped).")] = None,
) -> None:
    """Every number the patient views can show: source kind, locator, and whether it is reproduced."""
    rows = api.evidence_audit(path)
    if json_out:
        _print_json(rows)
        return
    from .report.audit import AuditRow, audit_text

    typer.echo(audit_text([AuditRow(**r) for r in rows["rows"]]))


@evidence_app.command("show")
def evidence_show(
    file_id: Annotated[str, typer.Argument(metavar="ID", help="Evidence file id (see `mmdecide evidence list`).")],
    json_out: Annotated[bool, typer.Option("--json", help="Print the file as JSON.")] = False,
    path: Annotated[Optional[Path], typer.Option("--path", help="Evidence folder (default: shipped).")] = None,
) -> None:
    """Every number of one evidence file beside its source, locator and tier."""
    from .report.evidence_view import show_text

    corpus = _corpus(path)
    if file_id not in corpus.files:
        _fail(f"ID: no evidence file with id {file_id!r}; see `mmdecide evidence list`")
    if json_out:
        _print_json(corpus.get(file_id).model_dump(mode="json"))
    else:
        typer.echo(show_text(corpus, file_id))


# -- engine commands -----------------------------------------------------------------------------

@app.command("km")
def km(
    data: Annotated[Path, typer.Option("--data", help="CSV file with one row per patient.")],
    time: Annotated[str, typer.Option("--time", help="Column with follow-up times.")],
    event: Annotated[str, typer.Option("--event", help="Column with 1 = event, 0 = censored.")],
    group: Annotated[Optional[str], typer.Option("--group", help="Column with group labels.")] = None,
    rmst: Annotated[Optional[float], typer.Option("--rmst", metavar="TAU", help="Restricted mean survival time up to TAU.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object at full precision.")] = False,
) -> None:
    """Kaplan-Meier with Greenwood SE and log-log CI; with --group also log-rank, Cox HR, RMST difference."""
    try:
        res = api.km_summary(data, time, event, group, rmst)
    except InputError as exc:
        _fail(str(exc))
    if json_out:
        _print_json(res)
        return
    from .report.engine_text import km_text

    typer.echo(km_text(res))


class MetaMethod(str, Enum):
    FE = "FE"
    DL = "DL"
    REML = "REML"
    PM = "PM"


@app.command("meta")
def meta(
    effects: Annotated[Path, typer.Option("--effects", help="CSV with columns study,hr,lower,upper (95% CI).")],
    method: Annotated[MetaMethod, typer.Option("--method", help="Pooling method.", case_sensitive=False)] = MetaMethod.REML,
    hartung_knapp: Annotated[bool, typer.Option("--hartung-knapp", help="Hartung-Knapp adjustment (t with k-1 df).")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object at full precision.")] = False,
) -> None:
    """Pool hazard ratios: fixed effect, DerSimonian-Laird, REML or Paule-Mandel."""
    try:
        res = api.meta_summary(effects, method.value, hartung_knapp)
    except InputError as exc:
        _fail(str(exc))
    if json_out:
        _print_json(res)
        return
    from .report.engine_text import meta_text

    typer.echo(meta_text(res))


@app.command("reconstruct")
def reconstruct(
    curve: Annotated[Path, typer.Option("--curve", help="CSV time,survival (fraction, or percent if any value > 1).")],
    at_risk: Annotated[Path, typer.Option("--at-risk", help="CSV time,at_risk (the published numbers-at-risk table).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the reconstructed patients (time,event).")],
    events: Annotated[Optional[int], typer.Option("--events", help="Total number of events, if published.")] = None,
) -> None:
    """Reconstruct individual patient data from a digitized Kaplan-Meier curve (Guyot et al. 2012)."""
    try:
        rec = api.reconstruct_from_csv(curve, at_risk, events)
    except InputError as exc:
        _fail(str(exc))
    try:
        with atomic_write(out, "w", newline="") as fh:  # a kill or a full disk leaves the old file
            w = csv.writer(fh)
            w.writerow(["time", "event"])
            for t, e in zip(rec.data.time, rec.data.event):
                w.writerow([repr(float(t)), int(e)])
    except OSError as exc:
        _fail(f"--out: cannot write {out}: {exc.strerror or exc}")
    typer.echo(rec.summary())
    typer.echo(f"wrote {rec.data.n} patients to {out}")


def _split_list(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _profile_option(f: ProfileField) -> inspect.Parameter:
    """The ``estimate`` option of one profile field, derived from the field registry: choices as
    an enum (typer lists them and refuses others), lab values as text so a unit may follow."""
    kind: Any
    help_text = f.description
    if f.kind == "choice":
        kind = Enum(f.name, {v: v for v in f.values}, type=str)  # type: ignore[misc]
    elif f.kind == "yesno":
        kind = Enum(f.name, {w: w for w in f.cli_words}, type=str)  # type: ignore[misc]
    elif f.kind == "multi":
        kind, help_text = list[str], f"{help_text}; comma-separated: {', '.join(f.values)}"
    elif f.lab:
        kind = str
    else:
        kind = int if f.integer else float
    option = typer.Option(f.cli, help=help_text + ".")
    return inspect.Parameter(f.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None,
                             annotation=Annotated[Optional[kind], option])


def _profile_values(f: ProfileField, value: Any) -> Any:
    """A parsed option as the profile's JSON value (None when not given)."""
    if value is None:
        return None
    if isinstance(value, Enum):
        value = value.value
    if f.kind == "yesno":
        return value == f.cli_words[0]
    if f.kind == "multi":
        return _split_list(value)
    return value


def _with_profile_options(command: Callable[..., None]) -> Callable[..., None]:
    """One typer option per profile field (before the command's own), from the field registry:
    a field added to ``PatientProfile`` is an option of ``mmdecide estimate`` with nothing more."""
    own = [p for p in inspect.signature(command, eval_str=True).parameters.values() if p.kind != p.VAR_KEYWORD]
    fields = [_profile_option(f) for f in profile_fields()]
    command.__signature__ = inspect.Signature([*fields, *own])  # type: ignore[attr-defined]
    return command


def _profile_from(profile_file: Path | None, answers: dict[str, Any]) -> dict:
    """The profile of a command: the --profile JSON file, overridden by the options given."""
    fields = {f.name: _profile_values(f, answers.get(f.name)) for f in profile_fields()}
    profile: dict = {}
    if profile_file is not None:
        try:
            profile = load_json_file(profile_file, "--profile")
        except InputError as exc:
            _fail(str(exc))
        if not isinstance(profile, dict):
            _fail("--profile: the file must hold one JSON object")
    profile.update({k: v for k, v in fields.items() if v is not None})
    return profile


@app.command("estimate")
@_with_profile_options
def estimate_cmd(
    option: Annotated[Optional[list[str]], typer.Option("--option", help="Option id (repeatable); default: all the evidence reaches.")] = None,
    horizon: Annotated[Optional[list[float]], typer.Option("--horizon", help="Years (repeatable); default 1, 2, 3, 5, 7.")] = None,
    profile_file: Annotated[Optional[Path], typer.Option("--profile", help="A JSON file with the profile (fields as in the JSON API).")] = None,
    plain: Annotated[bool, typer.Option("--plain", help="Print the plain-language summary instead of the table.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")] = False,
    **answers: Any,
) -> None:
    """Benefit and harm of each maintenance option for a patient profile, with uncertainty and sources."""
    from .personal import ProfileError

    profile = _profile_from(profile_file, answers)
    try:
        result = api.estimate(profile, options=_split_list(option), horizons=horizon)
    except ProfileError as exc:
        _fail("; ".join(f"{f}: {m}" for f, m in exc.errors))
    except InputError as exc:
        _fail(str(exc))
    if json_out:
        # compact, byte for byte the API's answer: indenting adds half again to ~220 kB
        typer.echo(result.model_dump_json())
        return
    if plain:
        from .report.harms_words import harms_label_section, harms_plain_section
        from .report.plain_language import summarize, summary_text

        years = 5.0 if 5.0 in result.horizons_years else None
        summary = summarize(result, years)
        if any(o.option == "lenalidomide" for o in result.options):  # harms in detail beside the benefits
            harms = api.harms(result.profile)
            extra = [harms_plain_section(harms)]
            p = result.profile
            if any(v is not None for v in (p.creatinine_clearance_ml_min, p.hemoglobin_g_dl, p.neutrophils_10e9_l,
                                           p.platelets_10e9_l)):  # the values given, beside the label's levels
                extra.append(harms_label_section(harms))
            summary = summary.model_copy(update={"sections": [*summary.sections, *extra]})
        from .report.high_risk import high_risk_answer, high_risk_plain_section

        p = result.profile
        high = high_risk_answer(api.load_evidence(), cytogenetics=p.cytogenetics, r_iss=p.r_iss)
        if high.applies:  # as on the results page, each statement with its source
            summary = summary.model_copy(update={"sections": [*summary.sections, high_risk_plain_section(high)]})
        typer.echo(summary_text(summary, cite=True))
        return
    from .report.estimate_text import estimate_text

    typer.echo(estimate_text(result))


@app.command("harms")
@_with_profile_options
def harms_cmd(
    profile_file: Annotated[Optional[Path], typer.Option("--profile", help="A JSON file with the profile (fields as in the JSON API).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the sections as JSON, each number with its source.")] = False,
    **answers: Any,
) -> None:
    """Lenalidomide's side effects, treatment changes and second cancers per arm, beside the comparison group."""
    from .personal import ProfileError
    from .report.harms_words import harms_label_section, harms_plain_section
    from .report.plain_language import PlainSummary, summary_text

    try:
        detail = api.harms(_profile_from(profile_file, answers))
    except ProfileError as exc:
        _fail("; ".join(f"{f}: {m}" for f, m in exc.errors))
    if json_out:
        _print_json(detail.model_dump(mode="json"))
        return
    sections = [harms_plain_section(detail), harms_label_section(detail)]
    typer.echo(summary_text(PlainSummary(title="Lenalidomide maintenance: harms in detail", intro=_HARMS_INTRO,
                                         years=0, sections=sections, questions=[]), cite=True))


_HARMS_INTRO = ("These numbers come from the trials of lenalidomide after a stem-cell transplant. They are "
                "information for a talk with your care team, not medical advice.")


@app.command("calibration")
def calibration_cmd(
    json_out: Annotated[bool, typer.Option("--json", help="Print the rows as JSON, each with its source.")] = False,
    external: Annotated[bool, typer.Option("--external", help="Studies not used to build the model instead (external validation).")] = False,
) -> None:
    """How well the personal estimates match each option's own trials: published vs model, with tolerances."""
    from .report.calibration_words import table_text

    rows = api.calibration(external=external)
    if json_out:
        _print_json([r.standalone_json() for r in rows])
    else:
        typer.echo(table_text(rows))


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option(help="Address to listen on (default: this computer only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (1-65535).")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (1-64); e.g. one per CPU core on a server.")] = 1,
    allowed_host: Annotated[Optional[list[str]], typer.Option("--allowed-host", help="A Host name the app answers to when served beyond 127.0.0.1 (repeatable).")] = None,
    api_rate_limit: Annotated[int, typer.Option("--api-rate-limit", help="API requests per minute per client address, per worker (0: no limit, the default); more get 429 with Retry-After.")] = 0,
) -> None:
    """Start the decision-aid web app (default http://127.0.0.1:8000) with the shipped evidence."""
    if not 1 <= port <= 65535:
        _fail(f"--port: must be from 1 to 65535, got {port}")
    if not 1 <= workers <= 64:
        _fail(f"--workers: must be from 1 to 64, got {workers}")
    if not 0 <= api_rate_limit <= 1_000_000:
        _fail(f"--api-rate-limit: must be from 0 (no limit) to 1000000 requests per minute, got {api_rate_limit}")
    from .web.ratelimit import rate_limit_from_env
    from .web.server import allowed_hosts_for, exposure_warning, serve

    try:  # a bad value in the environment: one line here, not a traceback in every worker
        rate_limit_from_env()
    except ValueError as exc:
        _fail(str(exc))

    allowed = allowed_hosts_for(host, allowed_host)
    warning = exposure_warning(host, allowed)
    if warning:
        typer.echo(warning, err=True)
    typer.echo(f"mmdecide: serving on http://{host}:{port} with {workers} worker(s) (Ctrl-C to stop)")
    serve(host=host, port=port, workers=workers, allowed_hosts=allowed, api_rate_limit=api_rate_limit or None)


@app.command("reproduce")
def reproduce(
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the report as Markdown.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the report rows as JSON.")] = False,
) -> None:
    """Published value beside reproduced value for every study in the evidence base, with verdicts."""
    from .report.reproduction import build_report, report_json, report_markdown, report_text

    if markdown and json_out:
        _fail("--markdown and --json: choose one")
    try:
        report = build_report(api.load_evidence())
    except EvidenceError as exc:
        _fail(str(exc))
    if json_out:
        _print_json(report_json(report))
    elif markdown:
        typer.echo(report_markdown(report))
    else:
        typer.echo(report_text(report))


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
