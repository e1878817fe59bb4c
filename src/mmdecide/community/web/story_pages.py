"""Community pages for stories: the approved ones with a report button, and the moderators'
review queue (a 404 for everyone else, so the page does not reveal itself)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from ..errors import NotAllowed, NotFound
from .account_pages import page
from .security import check_csrf, community, current, form_post, member_form, redirect

router = APIRouter(prefix="/community")


@router.get("/stories")
def stories(request: Request) -> Response:
    if current(request) is None:
        return redirect(request, "/community/login")
    return page(request, "stories.html", title="Members' stories", stories=community(request).stories.shown(),
                reported=False)


@router.post("/stories/report")
@form_post
def report(request: Request, form: FormData) -> Response:
    login, away = member_form(request, form, consented=False)
    if away:
        return away
    try:
        community(request).stories.report(login.member_id, form.get("id"))
    except NotFound:
        raise HTTPException(404) from None
    return page(request, "stories.html", title="Members' stories", stories=community(request).stories.shown(),
                reported=True)


def _moderator(request: Request):
    login = current(request)
    if login is None or login.role != "moderator":
        raise HTTPException(404)
    return login


@router.get("/moderate")
def queue(request: Request) -> Response:
    login = _moderator(request)
    return page(request, "moderate.html", title="Stories to review",
                queue=community(request).stories.queue(login.member_id))


@router.post("/moderate")
@form_post
def decide(request: Request, form: FormData) -> Response:
    check_csrf(request, form)
    login = _moderator(request)
    try:
        community(request).stories.decide(login.member_id, form.get("id"), form.get("decision") == "approve")
    except (NotFound, NotAllowed):
        raise HTTPException(404) from None
    return redirect(request, "/community/moderate")
