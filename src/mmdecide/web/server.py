"""Run the web app with uvicorn (``mmdecide serve`` calls this)."""

from __future__ import annotations

__all__ = ["serve"]


def serve(host: str = "127.0.0.1", port: int = 8000, reload: bool = False) -> None:
    """Serve ``create_app()`` at http://host:port (the app is built by uvicorn's factory mode,
    so nothing is built at import time)."""
    import uvicorn

    uvicorn.run("mmdecide.web.app:create_app", factory=True, host=host, port=port, reload=reload)
