"""The community's pages, added to the web app by ``install(app)`` (one line in the app factory).

The database behind them opens on first use (see :class:`mmdecide.community.service.Community`).
"""

from __future__ import annotations

from fastapi import FastAPI

from ..service import Community

__all__ = ["install"]


def install(app: FastAPI, community: Community | None = None) -> None:
    from . import account_pages, record_pages, story_pages

    app.state.community = community or Community()
    # each worker starts making the aggregates' snapshot as it starts, so the first visitor of
    # "Members like you" need not wait (nothing happens when there is no database yet)
    app.router.on_startup.append(lambda: app.state.community.warm())
    app.include_router(account_pages.router)
    app.include_router(record_pages.router)
    app.include_router(story_pages.router)
