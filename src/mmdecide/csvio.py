"""Reading the small CSV files researchers give the CLI, with messages that name file, row and column."""

from __future__ import annotations

import csv
import math
from pathlib import Path

__all__ = ["InputError", "read_columns"]


class InputError(ValueError):
    """Bad user input: the message names the file, the column or row, and the rule broken."""


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
    optional = optional or {}
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise InputError(f"{path}: the file is empty (expected a header row with {', '.join(required)})")
    reader.fieldnames = header
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)}; the header has {', '.join(header)}"
        )
    wanted = {**required, **{k: v for k, v in optional.items() if k in header}}
    cols: dict[str, list] = {c: [] for c in wanted}
    for lineno, row in enumerate(reader, start=2):
        if all((v or "").strip() == "" for v in row.values() if isinstance(v, str)):
            continue  # blank line
        for col, kind in wanted.items():
            raw = (row.get(col) or "").strip()
            if raw == "":
                raise InputError(f"{path}: row {lineno}, column {col}: empty value")
            if kind == "str":
                cols[col].append(raw)
                continue
            try:
                val = float(raw)
            except ValueError:
                raise InputError(f"{path}: row {lineno}, column {col}: {raw!r} is not a number") from None
            if not math.isfinite(val):
                raise InputError(f"{path}: row {lineno}, column {col}: {raw!r} is not a finite number")
            if kind == "int":
                if val != int(val):
                    raise InputError(f"{path}: row {lineno}, column {col}: {raw!r} is not a whole number")
                val = int(val)
            cols[col].append(val)
    if not next(iter(cols.values()), []):
        raise InputError(f"{path}: no data rows below the header")
    return cols
