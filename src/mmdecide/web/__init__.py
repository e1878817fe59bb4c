"""The decision-aid web app: ``create_app(settings)`` and ``serve()``."""

from .app import create_app
from .server import serve
from .settings import Settings

__all__ = ["Settings", "create_app", "serve"]
