"""Reading the small CSV files researchers give the CLI, with messages that name file, row and column.

The file is read through :func:`mmdecide.fileio.read_text_file` (a regular UTF-8 file under the
size limit) before the csv module sees it; a field over the csv module's field limit, an
unparsable or non-finite number and a missing column are each one :class:`InputError` whose
``field`` is the file and whose message names the row and column.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from .errors import InputError
from .fileio import read_text_file

__all__ = ["InputError", "read_columns"]


def read_columns(
    path: str | Path,
    required: dict[str, str],
    optional: dict[str, str] | None = None,
) -> dict[str, list]:
    """Read a CSV file into columns.

    ``required``/``optional`` map column name -> kind: ``"float"``, ``"int"`` or ``"str"``.
    Extra columns are ignored. Every cell of a requested numeric column must parse and be finite.
    """
    path = Path(path)
    name = str(path)
    optional = optional or {}
    if not path.exists():
        raise InputError(name, "file", "no such file")
    text = read_text_file(path)
    try:
        return _columns(name, text, required, optional)
    except csv.Error as exc:
        raise InputError(name, "csv", f"not a readable CSV file ({exc})") from None


def _columns(name: str, text: str, required: dict[str, str], optional: dict[str, str]) -> dict[str, list]:
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise InputError(name, "header", f"the file is empty (expected a header row with {', '.join(required)})")
    reader.fieldnames = header
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(name, "header", f"missing column(s) {', '.join(missing)}; the header has {', '.join(header)}")
    wanted = {**required, **{k: v for k, v in optional.items() if k in header}}
    cols: dict[str, list] = {c: [] for c in wanted}
    for lineno, row in enumerate(reader, start=2):
        if all((v or "").strip() == "" for v in row.values() if isinstance(v, str)):
            continue  # blank line
        for col, kind in wanted.items():
            cols[col].append(_cell(name, lineno, col, kind, (row.get(col) or "").strip()))
    if not next(iter(cols.values()), []):
        raise InputError(name, "rows", "no data rows below the header")
    return cols


def _cell(name: str, lineno: int, col: str, kind: str, raw: str) -> float | int | str:
    where = f"row {lineno}, column {col}"
    if raw == "":
        raise InputError(name, "required", f"{where}: empty value")
    if kind == "str":
        return raw
    shown = raw if len(raw) <= 40 else raw[:40] + "..."
    try:
        val = float(raw)
    except ValueError:
        raise InputError(name, "number", f"{where}: {shown!r} is not a number") from None
    if not math.isfinite(val):
        raise InputError(name, "finite", f"{where}: {shown!r} is not a finite number")
    if kind == "int":
        if val != int(val):
            raise InputError(name, "integer", f"{where}: {shown!r} is not a whole number")
        return int(val)
    return val
