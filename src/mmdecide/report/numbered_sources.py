"""Numbered source markers for plain text (``estimate --plain``): [1] or [1, 3] after a sentence,
and the numbered list of publications at the end, each with the places in it that were used."""

from __future__ import annotations

from ..personal.result import SourceRef

__all__ = ["NumberedSources"]


class NumberedSources:
    """Sources numbered in order of first citation, one per publication; the places in it that
    were used (table, figure, page) are listed with it."""

    def __init__(self) -> None:
        self.items: list[tuple[SourceRef, list[str]]] = []
        self._index: dict[tuple[str, str], int] = {}

    def marker(self, refs: list[SourceRef]) -> str:
        numbers: list[int] = []
        for r in refs:
            key = (r.citation, r.url)
            if key not in self._index:
                self._index[key] = len(self.items) + 1
                self.items.append((r, []))
            i = self._index[key]
            if r.locator not in self.items[i - 1][1]:
                self.items[i - 1][1].append(r.locator)
            if i not in numbers:
                numbers.append(i)
        return f" [{', '.join(str(i) for i in sorted(numbers))}]" if numbers else ""

    def lines(self) -> list[str]:
        out = []
        for i, (r, locators) in enumerate(self.items, 1):
            kind = _SOURCE_KIND.get(r.source_type or "", "") or ("regulatory label" if r.tier == "label" else "")
            flag = f" ({kind})" if kind else ""
            out.append(f"[{i}] {r.citation}{flag}. {r.url} (where: {'; '.join(locators)})")
        return out


#: source types a reader should weigh differently, in words (as on the web pages)
_SOURCE_KIND = {"news": "from a news report", "manufacturer": "from the manufacturer's material",
                "advertisement": "from the manufacturer's material"}
