"""The fixed vocabularies members choose from, and the lab kinds with their units.

Fixed lists (not free text) keep entries comparable across members, so aggregates count like with
like, and keep free text (which can identify a person) out of everything but the story.

Side effects use terms of the Common Terminology Criteria for Adverse Events (CTCAE) version 5.0,
U.S. Department of Health and Human Services, National Cancer Institute, published 27 November 2017,
https://ctep.cancer.gov/protocoldevelopment/electronic_applications/docs/CTCAE_v5_Quick_Reference_8.5x11.pdf
(term names as printed there; grades 1 to 5 as its general grading guideline). The list holds the
terms most often reported with maintenance drugs; "Other" takes the rest without free text.

Lab bounds are *input checks against typing errors*, not clinical thresholds: each is far wider than
any value a living person has (a value outside is refused as a likely typo, never flagged as
"abnormal"), and none is shown to members as a clinical number. Unit conversions are exact
changes of scale (1 g/dL = 10 g/L; 1 x10^9/L = 1 x10^3/uL = 1,000 cells/uL; 1 mg/dL = 10 mg/L).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AGE_BANDS",
    "CTCAE_URL",
    "CTCAE_VERSION",
    "DOSE_CHANGE_REASONS",
    "LAB_KINDS",
    "REGIMENS",
    "RISK_GROUPS",
    "SCHEDULES",
    "SECOND_CANCER_TYPES",
    "SIDE_EFFECT_TERMS",
    "LabKind",
]

CTCAE_VERSION = "CTCAE v5.0 (27 November 2017)"
CTCAE_URL = "https://ctep.cancer.gov/protocoldevelopment/electronic_applications/docs/CTCAE_v5_Quick_Reference_8.5x11.pdf"

#: maintenance regimens (value -> label)
REGIMENS: dict[str, str] = {
    "lenalidomide": "Lenalidomide",
    "lenalidomide-dexamethasone": "Lenalidomide with dexamethasone",
    "daratumumab-lenalidomide": "Daratumumab with lenalidomide",
    "bortezomib": "Bortezomib",
    "ixazomib": "Ixazomib",
    "daratumumab": "Daratumumab",
    "thalidomide": "Thalidomide",
    "other": "Other",
}

SCHEDULES: dict[str, str] = {
    "days-1-21-of-28": "Days 1 to 21 of each 28-day cycle",
    "daily": "Every day",
    "every-other-day": "Every other day",
    "weekly": "Once a week",
    "every-2-weeks": "Every 2 weeks",
    "every-4-weeks": "Every 4 weeks",
    "other": "Other",
}

DOSE_CHANGE_REASONS: dict[str, str] = {
    "low-blood-counts": "Low blood counts",
    "infection": "Infection",
    "side-effect": "Another side effect",
    "kidney-function": "Kidney function",
    "disease-progression": "The myeloma came back or grew",
    "doctor-advice": "My doctor's advice, other reason",
    "my-choice": "My own choice",
    "other": "Other",
}

SIDE_EFFECT_TERMS: tuple[str, ...] = (
    "Neutrophil count decreased", "Platelet count decreased", "Anemia",
    "White blood cell decreased", "Febrile neutropenia", "Lung infection",
    "Upper respiratory infection", "Diarrhea", "Constipation", "Nausea", "Fatigue",
    "Rash maculo-papular", "Pruritus", "Muscle cramp", "Peripheral sensory neuropathy",
    "Thromboembolic event", "Edema limbs", "Insomnia", "Cough", "Dyspnea", "Other",
)

SECOND_CANCER_TYPES: dict[str, str] = {
    "skin-non-melanoma": "Skin cancer (not melanoma)",
    "melanoma": "Melanoma",
    "acute-myeloid-leukemia": "Acute myeloid leukemia",
    "myelodysplastic-syndrome": "Myelodysplastic syndrome",
    "acute-lymphoblastic-leukemia": "Acute lymphoblastic leukemia",
    "lymphoma": "Lymphoma",
    "solid-tumor-other": "Another solid cancer",
    "other": "Other",
}

RISK_GROUPS: dict[str, str] = {
    "standard": "Standard risk",
    "high": "High risk",
    "unknown": "I do not know",
}

AGE_BANDS: tuple[str, ...] = ("under 50", "50-59", "60-69", "70 or over")


@dataclass(frozen=True)
class LabKind:
    """A lab test: its label, the unit values are stored in, the units accepted (unit -> factor
    to the stored unit) and the accepted range in the stored unit (a typo check, see above)."""

    label: str
    unit: str
    units: dict[str, float]
    low: float
    high: float

    def to_stored(self, value: float, unit: str) -> float:
        return value * self.units[unit]


LAB_KINDS: dict[str, LabKind] = {
    "hemoglobin": LabKind("Hemoglobin", "g/dL", {"g/dL": 1.0, "g/L": 0.1}, 1.0, 25.0),
    "white-cells": LabKind("White blood cells", "x10^9/L",
                           {"x10^9/L": 1.0, "x10^3/uL": 1.0, "cells/uL": 0.001}, 0.0, 500.0),
    "neutrophils": LabKind("Neutrophils", "x10^9/L",
                           {"x10^9/L": 1.0, "x10^3/uL": 1.0, "cells/uL": 0.001}, 0.0, 200.0),
    "platelets": LabKind("Platelets", "x10^9/L", {"x10^9/L": 1.0, "x10^3/uL": 1.0}, 0.0, 3000.0),
    "m-protein": LabKind("M-protein", "g/dL", {"g/dL": 1.0, "g/L": 0.1}, 0.0, 20.0),
    "kappa-flc": LabKind("Free light chains, kappa", "mg/L", {"mg/L": 1.0, "mg/dL": 10.0},
                         0.0, 100000.0),
    "lambda-flc": LabKind("Free light chains, lambda", "mg/L", {"mg/L": 1.0, "mg/dL": 10.0},
                          0.0, 100000.0),
}
