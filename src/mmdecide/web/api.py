"""The JSON API, mounted at ``/api/v1``: personal estimates and the evidence base.

``POST /estimate`` returns exactly ``mmdecide.personal.estimate(...).model_dump(mode="json")``
(what ``mmdecide estimate --json`` prints); ``POST /harms`` the lenalidomide harms detail (what
``mmdecide harms --json`` prints). Every error is 4xx JSON
``{"detail": [{"field": ..., "rule": ..., "message": ...}]}``: 422 for input that cannot be used,
404 for an unknown id, 413 for a body over the size limit. The OpenAPI document is at
``/api/v1/openapi.json``; no docs page is served (Swagger UI would load from a CDN).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..timeunits import MONTHS_PER_YEAR, months_to_years, whole_months
from ..errors import InputError
from ..evidence import EvidenceFile
from ..personal import EstimateResult, PatientProfile, ProfileError, parse_profile
from ..personal.options import OPTIONS
from .services import Services

__all__ = ["POOLED_KINDS", "TRIAL_KINDS", "EstimateRequest", "create_api"]

log = logging.getLogger("mmdecide.web")

#: Evidence files of studies of patients (``/trials``) and of pooled analyses (``/meta-analyses``).
TRIAL_KINDS = ("rct", "single-arm", "cohort", "registry")
POOLED_KINDS = ("ipd-meta-analysis", "meta-analysis", "network-meta-analysis", "pooled-analysis")


class APIError(Exception):
    def __init__(self, status: int, details: list[dict[str, str]]):
        self.status = status
        self.details = details


def _detail(field: str, rule: str, message: str) -> dict[str, str]:
    return {"field": field, "rule": rule, "message": message}


#: The most horizons one request may ask for: each costs about 0.1 MB of answer and some CPU, so
#: the count bounds the work and the size of a response (the pages use at most 14).
MAX_HORIZONS = 14
#: Option ids as an enum in the OpenAPI document (from the one option registry).
OptionId = Literal[tuple(o.id for o in OPTIONS)]  # type: ignore[valid-type]
#: JSON Schema cannot say "a multiple of 1/12" for floats (validators disagree on rounding), so the
#: API takes any number of years from one month to 15 and rounds it to the nearest whole month.
Horizon = Annotated[float, Field(ge=1 / MONTHS_PER_YEAR, le=15, description="years, from 1/12 (one month) to 15; "
                                 "rounded to the nearest whole month")]


class EstimateRequest(BaseModel):
    """A profile (every field optional; see ``PatientProfile``), and optionally which options
    and horizons (years) to estimate."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    profile: PatientProfile | None = Field(
        default=None, description="A lab value is a number in the field's unit, or text with a unit ('35 g/L')",
        examples=[{"age": 62, "r_iss": "II", "mrd": "negative"}])
    options: list[OptionId] | None = Field(default=None, max_length=len(OPTIONS), examples=[["lenalidomide"]])
    horizons: list[Horizon] | None = Field(default=None, min_length=1, max_length=MAX_HORIZONS,
                                           examples=[[1, 3, 5]])


class ErrorItem(BaseModel):
    field: str
    rule: str
    message: str


class ErrorBody(BaseModel):
    detail: list[ErrorItem]


def _services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(_services)]
_ERRORS = {400: {"model": ErrorBody}, 404: {"model": ErrorBody}, 413: {"model": ErrorBody},
           422: {"model": ErrorBody}}


def profile_error_details(data: Any, exc: ProfileError, prefix: str = "profile.") -> list[dict[str, str]]:
    """ProfileError messages with the rule each broke ('consistency' for rules between fields,
    such as R-ISS I needing ISS I), taken from the error's own ``rules``."""
    out = []
    for field, message in exc.errors:
        rule = exc.rules.get(field, "dict_type" if field == "profile" else "consistency")
        name = "profile" if field == "profile" else f"{prefix}{field}"
        out.append(_detail(name, rule, message))
    return out


#: An error answer lists at most this many problems, each message at most MAX_MESSAGE characters,
#: so 5,000 unknown keys give a short answer, not megabytes.
MAX_DETAILS = 20
MAX_MESSAGE = 300


def validation_details(exc: RequestValidationError) -> list[dict[str, str]]:
    """The problems of a request body, field by field; profile problems in the words of
    :func:`~mmdecide.personal.parse_profile` (with the rule each broke), truncated."""
    details: list[dict[str, str]] = []
    profile_done = False
    for e in exc.errors():
        loc = tuple(e.get("loc", ()))
        if loc[:2] == ("body", "profile") and isinstance(exc.body, dict):
            if not profile_done:
                profile_done = True
                try:
                    parse_profile(exc.body.get("profile"))
                except ProfileError as perr:
                    details.extend(profile_error_details(exc.body.get("profile"), perr))
                    continue
            else:
                continue
        details.append(_detail(_loc(loc), str(e.get("type", "invalid")), str(e.get("msg", ""))))
    return truncate_details(details)


def truncate_details(details: list[dict[str, str]]) -> list[dict[str, str]]:
    out = [{k: (v if len(v) <= MAX_MESSAGE else v[: MAX_MESSAGE - 3] + "...") for k, v in d.items()}
           for d in details[:MAX_DETAILS]]
    if len(details) > MAX_DETAILS:
        out.append(_detail("body", "truncated", f"{len(details) - MAX_DETAILS} more problem(s) not shown"))
    return out


def _loc(loc: tuple) -> str:
    parts = [p for p in loc if p != "body"] or ["body"]
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def create_api(services: Services) -> FastAPI:
    api = FastAPI(
        title="mmdecide API", version="1", docs_url=None, redoc_url=None, openapi_url="/openapi.json",
        description="Personal estimates and the evidence base behind them. Information for a "
                    "conversation with the care team, not medical advice.",
    )
    api.state.services = services
    _error_handlers(api)
    _estimate_route(api)
    _report_routes(api)
    _evidence_routes(api)
    return api


def _error_handlers(api: FastAPI) -> None:
    """Every error answers as ``{"detail": [{"field", "rule", "message"}]}``."""

    @api.exception_handler(APIError)
    async def _api_error(request: Request, exc: APIError) -> JSONResponse:
        return JSONResponse({"detail": truncate_details(exc.details)}, status_code=exc.status)

    @api.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": validation_details(exc)}, status_code=422)

    @api.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        rule = {400: "invalid-json", 404: "not-found", 405: "method", 413: "too-large"}.get(exc.status_code, "http")
        field = "body" if exc.status_code in (400, 413) else "path"
        return JSONResponse({"detail": [_detail(field, rule, str(exc.detail))]}, status_code=exc.status_code,
                            headers=exc.headers)  # e.g. Allow on 405

    @api.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("API error on %s", request.url.path)
        return JSONResponse({"detail": [_detail("server", "internal", "internal error")]}, status_code=500)


def _estimate_route(api: FastAPI) -> None:
    @api.post("/estimate", responses={200: {"model": EstimateResult}, **_ERRORS})
    def estimate(body: EstimateRequest, services: ServicesDep) -> Response:
        """Benefit and harm of each maintenance option for a profile (same as
        ``mmdecide estimate --json``)."""
        profile = body.profile or PatientProfile()
        try:
            horizons = None if body.horizons is None else [months_to_years(whole_months(h)) for h in body.horizons]
            result = services.estimate(profile, options=body.options, horizons=horizons)
        except InputError as exc:
            raise APIError(422, [exc.detail()]) from None
        return Response(result.model_dump_json(), media_type="application/json")  # one pass: 2/3 of dump + dumps


def _evidence_routes(api: FastAPI) -> None:
    @api.get("/trials", responses=_ERRORS)
    def trials(services: ServicesDep) -> list[dict[str, Any]]:
        """Every study of patients in the evidence base (trials, cohorts, registries)."""
        return [_listing(ev) for ev in _files(services, TRIAL_KINDS)]

    @api.get("/trials/{file_id}", responses=_ERRORS)
    def trial(file_id: str, services: ServicesDep) -> dict[str, Any]:
        """One study's evidence file, every number with its source (as ``mmdecide evidence show --json``)."""
        return _one(services, file_id, TRIAL_KINDS, "trial")

    @api.get("/meta-analyses", responses=_ERRORS)
    def meta_analyses(services: ServicesDep) -> list[dict[str, Any]]:
        """Every pooled analysis with its pooled results; for McCarthy 2017 also the per-trial
        PFS hazard ratios pooled here (``mmdecide.engine.meta.pool``) beside the published one."""
        return [_pooled_listing(services, ev) for ev in _files(services, POOLED_KINDS)]

    @api.get("/meta-analyses/{file_id}", responses=_ERRORS)
    def meta_analysis(file_id: str, services: ServicesDep) -> dict[str, Any]:
        """One pooled analysis's evidence file."""
        return _one(services, file_id, POOLED_KINDS, "meta-analysis")


def _pooled_listing(services: Services, ev: EvidenceFile) -> dict[str, Any]:
    """A pooled analysis in the listing: its pooled results, each with its source."""
    item = _listing(ev)
    labels = {a.id: a.label for a in ev.arms}
    item["includes"] = list(ev.includes)
    item["pooled"] = []
    for c in ev.comparisons:
        prov = services.corpus.provenance(ev.id, c.estimate)
        item["pooled"].append({
            "endpoint": c.endpoint, "analysis": c.analysis, "measure": c.measure,
            "experimental": labels.get(c.experimental, c.experimental),
            "control": labels.get(c.control, c.control),
            "estimate": c.estimate.value, "lower": c.estimate.lower, "upper": c.estimate.upper,
            "citation": prov.citation, "url": prov.url, "locator": prov.locator,
        })  # fmt: skip
    forest = services.forest
    if forest is not None and ev.id == "mccarthy-2017-meta":
        item["reproduced"] = [
            {"label": r.label, "kind": r.kind, "evidence": r.evidence, "hr": r.hr, "lower": r.lower,
             "upper": r.upper, "weight_percent": r.weight_percent}
            for r in forest.rows
        ]
    return item


#: the profile fields the harms detail reads: set beside the label's levels (the trials' numbers
#: are the same for every profile)
HARMS_FIELDS = ("creatinine_clearance_ml_min", "hemoglobin_g_dl", "neutrophils_10e9_l", "platelets_10e9_l")


class HarmsRequest(BaseModel):
    """A profile: its kidney function and blood counts are set beside the label's levels. The whole
    profile is validated as for the estimate (and as ``mmdecide harms --profile``), so the estimate's
    profile can be posted as it is, and one the estimate refuses is refused here with the same words."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    profile: PatientProfile | None = Field(default=None, examples=[{"hemoglobin_g_dl": 11.5, "neutrophils_10e9_l": 5.1}])


def _harms_route(api: FastAPI) -> None:
    from ..report.harms_detail import HarmsDetail, harms_detail

    @api.post("/harms", responses={200: {"model": HarmsDetail}, **_ERRORS})
    def harms(body: HarmsRequest, services: ServicesDep) -> dict[str, Any]:
        """Lenalidomide's harms in detail: side effects, treatment changes and second cancers per
        arm beside the comparison group (or the reason there is none), each with its source; the
        studies that do not report an asked-for harm; the label's dose and requirements (same as
        ``mmdecide harms --json``)."""
        labs = {n: getattr(body.profile, n, None) for n in HARMS_FIELDS}
        return harms_detail(services.corpus, **labs).model_dump(mode="json")


def _report_routes(api: FastAPI) -> None:
    """Routes whose answers are report views (kept out of ``create_api`` to keep it short)."""
    _calibration_route(api)
    _harms_route(api)


def _calibration_route(api: FastAPI) -> None:
    @api.get("/calibration", responses=_ERRORS)
    def calibration(services: ServicesDep) -> list[dict[str, Any]]:
        """Each option's own trial results beside the model's values, with tolerances, verdicts and
        sources (same as ``mmdecide calibration --json``)."""
        return [r.standalone_json() for r in services.calibration]


def _files(services: Services, kinds: tuple[str, ...]) -> list[EvidenceFile]:
    return [ev for ev in sorted(services.corpus, key=lambda e: e.id) if ev.kind in kinds]


def _listing(ev: EvidenceFile) -> dict[str, Any]:
    return {"id": ev.id, "kind": ev.kind, "title": ev.title, "topics": list(ev.topics), "setting": ev.setting,
            "registration": list(ev.registration), "page": f"/evidence/{ev.id}"}


def _one(services: Services, file_id: str, kinds: tuple[str, ...], what: str) -> dict[str, Any]:
    ev = services.evidence_file(file_id)
    if ev is None or ev.kind not in kinds:
        raise APIError(404, [_detail("file_id", "not-found", f"no {what} with id {file_id[:100]!r}")])
    return ev.model_dump(mode="json")
