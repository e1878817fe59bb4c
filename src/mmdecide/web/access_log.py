"""The server's access log without query strings.

Personal answers never travel in an address any more, but an old bookmark or a hand-typed link
can still carry them (``/results?age=62&...``). uvicorn logs the full path of every request;
this filter cuts everything after ``?`` before the line is written, for every path, so no
answer can reach a log file whatever link was used.
"""

from __future__ import annotations

import logging

__all__ = ["StripQuery", "install"]


class StripQuery(logging.Filter):
    """Drops the query string from uvicorn's access-log record (its third argument)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def install() -> None:
    """Add the filter to uvicorn's access logger once per process."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, StripQuery) for f in logger.filters):
        logger.addFilter(StripQuery())
