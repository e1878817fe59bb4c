"""Readable text for engine results (the JSON forms are built in :mod:`mmdecide.api`)."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["km_text", "meta_text"]


def _f(x: Any, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "NA"
    if isinstance(x, float):
        return f"{x:.{digits}g}"
    return str(x)


def _one_km(name: str, k: dict[str, Any], max_rows: int = 12) -> list[str]:
    lines = [
        f"{name}: n = {k['n']}, events = {k['events']}, median = {_f(k['median'])} "
        f"(95% CI {_f(k['median_lower'])} to {_f(k['median_upper'])})"
    ]
    rows = [r for r in k["table"] if r["events"] > 0]
    step = max(1, math.ceil(len(rows) / max_rows))
    shown = rows[::step]
    if rows and shown[-1] is not rows[-1]:
        shown.append(rows[-1])
    lines.append(f"  {'time':>10} {'at risk':>8} {'events':>7} {'survival':>9} {'95% CI':>17}")
    for r in shown:
        lines.append(
            f"  {_f(r['time'], 6):>10} {r['at_risk']:>8} {r['events']:>7} {r['survival']:>9.4f} "
            f"{_f(r['lower']):>8}-{_f(r['upper']):<8}"
        )
    if step > 1:
        lines.append(f"  (every {step}th event time shown; --json gives all {len(k['table'])} rows)")
    if "rmst" in k:
        r = k["rmst"]
        lines.append(f"  RMST up to {_f(r['tau'])}: {_f(r['estimate'])} (SE {_f(r['se'])})")
    return lines


def km_text(res: dict[str, Any]) -> str:
    if "groups" not in res:
        return "\n".join(_one_km("all", res))
    lines: list[str] = []
    for name, k in res["groups"].items():
        lines += _one_km(f"group {name}", k)
        lines.append("")
    lr = res["logrank"]
    lines.append(f"log-rank: chi2 = {_f(lr['chi2'])} on {lr['df']} df, p = {_f(lr['p'])}")
    if "cox" in res:
        c = res["cox"]
        lines.append(f"Cox HR ({c['comparison']}): {_f(c['hr'])} (95% CI {_f(c['lower'])} to {_f(c['upper'])}), p = {_f(c['p'])}")
    if "rmst_difference" in res:
        d = res["rmst_difference"]
        lines.append(
            f"RMST difference up to {_f(d['tau'])} ({d['comparison']}): {_f(d['estimate'])} "
            f"(95% CI {_f(d['lower'])} to {_f(d['upper'])})"
        )
    return "\n".join(lines)


def meta_text(res: dict[str, Any]) -> str:
    hk = " with Hartung-Knapp" if res["hartung_knapp"] else ""
    lines = [f"{res['method']}{hk}, k = {res['k']} studies"]
    width = max((len(s["study"]) for s in res["studies"]), default=5)
    for s in res["studies"]:
        lines.append(f"  {s['study']:<{width}}  HR {_f(s['hr'])}  weight {s['weight_percent']:.1f}%")
    lines.append(
        f"pooled HR {_f(res['estimate'])} (95% CI {_f(res['lower'])} to {_f(res['upper'])}), p = {_f(res['p'])}"
    )
    lines.append(
        f"heterogeneity: Q = {_f(res['q'])} on {res['q_df']} df (p = {_f(res['q_p'])}), "
        f"tau2 = {_f(res['tau2'])}, I2 = {_f(res['i2'], 3)}%"
    )
    if res.get("prediction_lower") is not None:
        lines.append(f"95% prediction interval: {_f(res['prediction_lower'])} to {_f(res['prediction_upper'])}")
    for note in res.get("notes", []):
        lines.append(f"note: {note}")
    return "\n".join(lines)
