"""Start page: what the tool is and is not, who it is for, the evidence version."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..rendering import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(request, "home.html")
