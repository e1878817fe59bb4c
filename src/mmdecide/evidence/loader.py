"""Load evidence files, validating every one.

``load_corpus()`` returns the validated evidence base or raises :class:`EvidenceError` carrying
*every* problem found (file, field path, rule). ``validate_path()`` returns the problems without
raising, for the ``mmdecide evidence validate`` command.

Speed: each file is parsed once, with libyaml's C parser when PyYAML was built with it (the
pure-Python parser is about ten times slower), and a validated corpus is kept per process, keyed
on the folder and every file's size and modification time, so an edited file is read again
(``benchmarks/bench_evidence_load.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..errors import EvidenceError, InputError
from ..fileio import json_depth, read_text_file
from .rules import Problem, check_corpus, check_file
from .schema import EvidenceFile, Source, SourceTier, Value

__all__ = [
    "Corpus",
    "EvidenceError",
    "Provenance",
    "default_evidence_dir",
    "load_corpus",
    "load_file",
    "validate_path",
]


#: The largest evidence file read (bytes; the biggest shipped file is about 40 KB).
MAX_EVIDENCE_BYTES = 2 * 1024 * 1024
#: The deepest bracket nesting accepted in an evidence file (the schema needs 4).
MAX_YAML_DEPTH = 64


#: libyaml's parser with PyYAML's safe constructor (plain data only: tags such as
#: ``!!python/object`` are refused); the pure-Python SafeLoader where libyaml is missing.
_SafeBase: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """A safe YAML loader that rejects duplicate keys (PyYAML keeps the last one silently)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def default_evidence_dir() -> Path:
    """The evidence files shipped with the package."""
    return Path(str(resources.files("mmdecide") / "data" / "evidence"))


def _loc_to_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _parse(path: Path) -> tuple[EvidenceFile | None, list[Problem]]:
    name = str(path)
    try:  # a regular UTF-8 file under the size limit, nested within bounds, before YAML parses it
        text = read_text_file(path, max_bytes=MAX_EVIDENCE_BYTES)
        if json_depth(text) > MAX_YAML_DEPTH:
            return None, [Problem(name, "", "yaml-syntax", f"nested more than {MAX_YAML_DEPTH} levels deep")]
        raw = yaml.load(text, Loader=_UniqueKeyLoader)
    except InputError as exc:
        return None, [Problem(name, "", "file", exc.message)]
    except RecursionError:  # block (indented) nesting deep enough to exhaust the parser's stack
        return None, [Problem(name, "", "yaml-syntax", "nested too deeply to read")]
    except yaml.YAMLError as exc:
        return None, [Problem(name, "", "yaml-syntax", " ".join(str(exc).split()))]
    if not isinstance(raw, dict):
        return None, [Problem(name, "", "schema", "the file must hold one mapping (key: value pairs)")]
    try:
        ev = EvidenceFile.model_validate(raw)
    except ValidationError as exc:
        problems = [
            Problem(name, _loc_to_path(err["loc"]), "schema", err["msg"])
            for err in exc.errors(include_url=False)
        ]
        return None, problems
    if path.stem != ev.id:
        return ev, [Problem(name, "id", "unique-id", f"file name must be the id: expected {ev.id}.yaml")]
    return ev, []


def load_file(path: str | Path) -> EvidenceFile:
    """Load and validate one evidence file (rules inside the file only)."""
    path = Path(path)
    ev, problems = _parse(path)
    if ev is not None:
        problems += check_file(ev, str(path))
    if problems:
        raise EvidenceError(problems)
    assert ev is not None
    return ev


def _files_under(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
    return [path]


def _read(root: Path) -> tuple[list[Problem], dict[str, EvidenceFile], int]:
    """Parse and check every file under ``root`` once: (all problems, files by id, files read)."""
    if not root.exists():
        return [Problem(str(root), "", "yaml-syntax", "no such file or folder")], {}, 0
    files = _files_under(root)
    problems: list[Problem] = []
    parsed: dict[str, tuple[str, EvidenceFile]] = {}
    for f in files:
        ev, probs = _parse(f)
        problems += probs
        if ev is not None:
            problems += check_file(ev, str(f))
            parsed[str(f)] = (str(f), ev)
    if root.is_dir():
        problems += check_corpus(parsed)
    if root.is_dir() and not files:
        problems.append(Problem(str(root), "", "schema", "the folder holds no .yaml evidence files"))
    by_id = {ev.id: ev for _, ev in parsed.values()}
    return problems, by_id, len(files)


def validate_path(path: str | Path | None = None) -> tuple[list[Problem], int]:
    """Check a file or a folder of evidence files; return (all problems, number of files read)."""
    problems, _, n = _read(Path(path) if path is not None else default_evidence_dir())
    return problems, n


@dataclass(frozen=True)
class Provenance:
    """Where one number comes from, resolved for display."""

    citation: str
    url: str
    locator: str
    tier: SourceTier
    source_type: str
    year: int | None


@dataclass(frozen=True)
class Corpus:
    """The validated evidence base: evidence files by id.

    One corpus is shared by every caller in a process (see :func:`load_corpus`): read it, never
    change it (the evidence files themselves are frozen pydantic models).
    """

    files: dict[str, EvidenceFile]
    root: Path
    _sources: dict[tuple[str, str], Source] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for ev in self.files.values():
            for s in ev.sources:
                self._sources[(ev.id, s.id)] = s

    def __iter__(self):
        return iter(self.files.values())

    def __len__(self) -> int:
        return len(self.files)

    def ids(self) -> list[str]:
        return sorted(self.files)

    def get(self, file_id: str) -> EvidenceFile:
        try:
            return self.files[file_id]
        except KeyError:
            raise KeyError(f"no evidence file with id {file_id!r}; known ids: {', '.join(self.ids())}") from None

    def provenance(self, file_id: str, value: Value) -> Provenance:
        src = self._sources[(file_id, value.source)]
        return Provenance(
            citation=src.citation, url=src.url, locator=value.locator, tier=src.tier,
            source_type=src.type, year=src.year,
        )  # fmt: skip

    def included_elsewhere(self, file_id: str) -> list[str]:
        """Ids of pooled analyses that include this study (to avoid counting it twice)."""
        return sorted(ev.id for ev in self.files.values() if file_id in ev.includes)


def _fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of every evidence file: what the cache is keyed on."""
    if not root.exists():
        return ()
    return tuple((p.name, st.st_size, st.st_mtime_ns)
                 for p in _files_under(root) for st in (p.stat(),))  # fmt: skip


@lru_cache(maxsize=8)
def _load(root: Path, fingerprint: tuple[tuple[str, int, int], ...]) -> Corpus:
    problems, files, _ = _read(root)
    if problems:
        raise EvidenceError(problems)
    return Corpus(files=files, root=root)


def load_corpus(path: str | Path | None = None) -> Corpus:
    """Load and validate the whole evidence base; raise EvidenceError listing every problem.

    The validated corpus is cached per process and read again only when a file under the folder
    is added, removed or changed (a failed load is not cached).
    """
    root = (Path(path) if path is not None else default_evidence_dir()).resolve()
    return _load(root, _fingerprint(root))
