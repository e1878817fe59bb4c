"""About this tool (who made it, funding, conflicts, the evidence dates, the update policy, how it
was tested, privacy) and How to read this (the numbers, ranges, pictures and lines): the IPDAS
disclosures. The facts come from ``web/about.yaml`` and from the evidence base itself."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..rendering import render
from ..session import MAX_AGE_SECONDS

router = APIRouter()


@lru_cache(maxsize=1)
def about_facts() -> dict:
    text = (resources.files("mmdecide") / "web" / "about.yaml").read_text(encoding="utf-8")
    facts = yaml.safe_load(text)
    facts["evidence_reviewed"] = date.fromisoformat(str(facts["evidence_reviewed"]))
    return facts


@router.get("/about", response_class=HTMLResponse)
def about(request: Request) -> HTMLResponse:
    return render(request, "about.html", title="About this tool", about=about_facts(),
                  cookie_hours=MAX_AGE_SECONDS // 3600)


@router.get("/how-to-read", response_class=HTMLResponse)
def how_to_read(request: Request) -> HTMLResponse:
    return render(request, "how_to_read.html", title="How to read the results")
