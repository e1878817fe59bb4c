"""The evidence base: one validated data file per trial or publication, every number sourced."""

from .loader import Corpus, EvidenceError, Provenance, default_evidence_dir, load_corpus, load_file, validate_path
from .rules import RULES, Problem
from .schema import EvidenceFile, Value

__all__ = [
    "RULES",
    "Corpus",
    "EvidenceError",
    "EvidenceFile",
    "Problem",
    "Provenance",
    "Value",
    "default_evidence_dir",
    "load_corpus",
    "load_file",
    "validate_path",
]
