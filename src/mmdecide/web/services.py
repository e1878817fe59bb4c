"""What the pages need from the core: one :class:`Services` object per app.

The evidence base is loaded once per app; personal estimates are cached in memory per profile
(never written anywhere, no name or address attached, gone when the process stops);
the reproduction report, the forest plot and the reconstruction are computed on first use.
Routes call these methods and render; no evidence logic lives in a route.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .. import __version__
from ..evidence import Corpus, EvidenceFile, load_corpus
from ..personal import DEFAULT_HORIZONS, EstimateResult, PatientProfile, estimate
from ..personal.result import CalibrationRow, OptionCalibration
from .cache import ByteLRU, estimate_weight
from .settings import Settings

if TYPE_CHECKING:
    from ..report.analyses import Forest, ReconstructedArm

__all__ = ["CURVE_HORIZONS", "PAGE_HORIZONS", "EvidenceFacts", "Services"]

#: Horizons of the survival curves: every 6 months up to 7 years.
CURVE_HORIZONS: tuple[float, ...] = tuple(0.5 * k for k in range(1, 15))
#: The horizons of one results page: the numbers (1, 2, 3, 5, 7 years) and the curves, run once.
PAGE_HORIZONS: tuple[float, ...] = tuple(sorted(set(DEFAULT_HORIZONS) | set(CURVE_HORIZONS)))


@dataclass(frozen=True)
class EvidenceFacts:
    """The evidence version shown on every page."""

    n_files: int
    newest_source_year: int | None
    n_sources: int
    package_version: str




class Services:
    """The core objects one app uses: evidence base, estimates, reports."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.corpus: Corpus = load_corpus(settings.evidence_dir)
        self._cache = ByteLRU(settings.estimate_cache_bytes)
        self._anchors: dict[tuple[str, str, str], str] = {}
        for ev in self.corpus:
            for s in ev.sources:
                self._anchors.setdefault((ev.id, s.url, s.citation), s.id)

    # -- personal estimates ------------------------------------------------------------------

    def estimate(self, profile: PatientProfile, options: Iterable[str] | None = None,
                 horizons: Iterable[float] | None = None) -> EstimateResult:
        """``mmdecide.personal.estimate`` on this app's evidence base, cached per arguments."""
        opts = None if options is None else tuple(sorted(set(options)))
        hz = None if horizons is None else tuple(sorted({float(h) for h in horizons}))
        key = (profile.model_dump_json(), opts, hz)
        hit = self._cache.get(key)
        if hit is None:  # computed outside any lock: two requests may both compute, none waits
            hit = estimate(profile, options=opts, horizons=hz, corpus=self.corpus)
            self._cache.put(key, hit, estimate_weight(len(hit.horizons_years)))
        return hit

    def results(self, profile: PatientProfile) -> EstimateResult:
        """The estimate at the default horizons (1, 2, 3, 5, 7 years): the numbers shown. Sliced
        from the page's one estimate (:meth:`curves`), so a results page runs one, not two."""
        return self.curves(profile).at_horizons(DEFAULT_HORIZONS)

    def curves(self, profile: PatientProfile) -> EstimateResult:
        """The estimate every 6 months up to 7 years and at the default horizons: the points of
        the survival curves."""
        return self.estimate(profile, horizons=PAGE_HORIZONS)

    @cached_property
    def calibration_by_option(self) -> dict[str, OptionCalibration]:
        """Each option's own trial beside the model (``mmdecide.personal.calibration``)."""
        from ..personal.calibration import calibration_by_option

        return calibration_by_option(self.corpus)

    @cached_property
    def external_validation(self) -> list[CalibrationRow]:
        """Studies not used to fit, beside the model (``mmdecide.personal.validation``)."""
        from ..personal.validation import external_validation

        return external_validation(self.corpus)

    @cached_property
    def calibration(self) -> list[CalibrationRow]:
        from ..personal.calibration import calibration_table

        return calibration_table(self.corpus)

    # -- evidence --------------------------------------------------------------------------

    @cached_property
    def facts(self) -> EvidenceFacts:
        years = [s.year for ev in self.corpus for s in ev.sources if s.year]
        return EvidenceFacts(
            n_files=len(self.corpus), newest_source_year=max(years) if years else None,
            n_sources=sum(len(ev.sources) for ev in self.corpus), package_version=__version__,
        )

    def source_anchor(self, evidence: str, url: str, citation: str) -> str:
        """The evidence-explorer link of one source: ``/evidence/{id}#source-{source id}``."""
        sid = self._anchors.get((evidence, url, citation))
        return f"/evidence/{evidence}#source-{sid}" if sid else f"/evidence/{evidence}#sources"

    def evidence_file(self, file_id: str) -> EvidenceFile | None:
        return self.corpus.files.get(file_id)

    # -- reproduction ----------------------------------------------------------------------

    @cached_property
    def report(self):
        from ..report.reproduction import build_report

        return build_report(self.corpus)

    @cached_property
    def forest(self) -> Forest | None:
        """The lenalidomide PFS forest plot's rows (:func:`mmdecide.report.analyses.forest`)."""
        from ..report.analyses import forest

        return forest(self.corpus)

    @cached_property
    def reconstructions(self) -> list[ReconstructedArm]:
        """Every arm reconstructed from a published numbers-at-risk table
        (:func:`mmdecide.report.analyses.reconstructions`)."""
        from ..report.analyses import reconstructions

        return reconstructions(self.corpus)

    # -- documentation ---------------------------------------------------------------------

    def docs(self) -> list[tuple[str, str, str]]:
        """(anchor, file name, HTML) of docs/methods.md and docs/evidence.md, read now."""
        import markdown

        folder: Path | None = self.settings.docs_dir
        out = []
        if folder is None:
            return out
        for name in ("methods.md", "evidence.md"):
            path = Path(folder) / name
            if path.is_file():
                html = markdown.markdown(path.read_text(encoding="utf-8"), extensions=["tables", "fenced_code"])
                out.append((f"doc-{path.stem}", name, _shift_headings(html)))
        return out


def _shift_headings(html: str) -> str:
    """Markdown h1..h5 become h2..h6 so the page keeps one h1."""
    for level in range(5, 0, -1):
        html = html.replace(f"<h{level}", f"<h{level + 1}").replace(f"</h{level}>", f"</h{level + 1}>")
    return html

