"""The profiles of the load benchmark, shared by ``locustfile.py`` (locust's process) and
``bench_web.py`` (its warm-up), which must not import locust (it patches the standard library)."""

from __future__ import annotations

__all__ = ["PROFILES", "YEARS", "form_fields"]

#: Profiles as API JSON; ``form_fields`` gives them as the form sends them.
PROFILES: list[dict] = [
    {},
    {"r_iss": "II", "mrd": "positive"},
    {"age": 62, "sex": "female", "r_iss": "II", "mrd": "positive", "response": "VGPR"},
    {"age": 55, "r_iss": "I", "iss": "I", "mrd": "negative", "response": "CR"},
    {"age": 68, "r_iss": "III", "cytogenetics": ["del17p", "gain1q"], "mrd": "positive"},
    {"age": 59, "sex": "male", "iss": "II", "ldh_high": True, "induction": "vrd"},
    {"age": 64, "r2_iss": "III", "response": "sCR", "transplant": "tandem"},
    {"beta2_microglobulin_mg_l": 2.9, "albumin_g_dl": 3.9, "ldh_high": False, "cytogenetics": ["none-found"],
     "response": "CR", "mrd": "negative", "age": 58},
    {"age": 71, "creatinine_clearance_ml_min": 55, "months_since_transplant": 4},
    {"cytogenetics": ["t4-14"], "r_iss": "II", "induction": "dara-vrd"},
]
YEARS = (1, 2, 3, 5, 7)


def form_fields(profile: dict) -> list[tuple[str, str]]:
    out = []
    for k, v in profile.items():
        if isinstance(v, bool):
            out.append((k, "yes" if v else "no"))
        elif isinstance(v, list):
            out.extend((k, x) for x in v)
        else:
            out.append((k, str(v)))
    return out
