"""The profile field registry, read from :class:`~.profile.PatientProfile`'s fields.

Each field of the model carries its label, help text, unit, choice words and command-line name
(``profile._ask``); its type and bounds are the model's own. This module turns them into one
record per field, from which the web form, the command line's ``estimate`` options and the API's
schema are derived, so that a new field is written once, on the model.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from annotated_types import Ge, Le
from pydantic.fields import FieldInfo

from .labs import LABS
from .profile import PatientProfile

__all__ = ["ProfileField", "profile_fields"]


@dataclass(frozen=True)
class ProfileField:
    name: str  # the PatientProfile field
    label: str  # the patient's words (the form's label)
    kind: str  # number | choice | multi | yesno
    help: str  # the patient's words (the form's help text)
    description: str  # the API's and the command line's words
    choices: tuple[tuple[str, str], ...] = ()  # (value, words); yes/no for a yesno field
    unit: str = ""
    integer: bool = False
    minimum: float | None = None  # bounds of a bare number in the field's own unit
    maximum: float | None = None
    cli: str = ""  # the command-line option, e.g. "--r-iss"
    cli_words: tuple[str, str] = ("yes", "no")  # a yesno field's (true, false) on the command line

    @property
    def units(self) -> tuple[str, ...]:
        """Units a lab result may be entered in (the first is the field's own); () if not a lab."""
        lab = LABS.get(self.name)
        return tuple(u for u, _ in lab.units) if lab is not None and len(lab.units) > 1 else ()

    @property
    def lab(self) -> bool:
        """A lab value: a number in the field's unit, or text with one of its units."""
        return self.name in LABS

    @property
    def step(self) -> str:
        return "1" if self.integer else "any"

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(v for v, _ in self.choices)


def _inner(annotation: Any) -> Any:
    """The type inside ``X | None`` (and inside ``Annotated``)."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        annotation = args[0]
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _bounds(annotation: Any, info: FieldInfo) -> tuple[float | None, float | None]:
    """(ge, le) of a field from its metadata, wherever pydantic keeps it."""
    metadata = list(info.metadata)
    for arg in typing.get_args(annotation):
        if typing.get_origin(arg) is typing.Annotated:
            for m in typing.get_args(arg)[1:]:
                metadata += m.metadata if isinstance(m, FieldInfo) else [m]
    low = next((float(m.ge) for m in metadata if isinstance(m, Ge)), None)  # type: ignore[arg-type]
    high = next((float(m.le) for m in metadata if isinstance(m, Le)), None)  # type: ignore[arg-type]
    return low, high


def _field(name: str, info: FieldInfo) -> ProfileField:
    about: dict[str, Any] = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    inner = _inner(info.annotation)
    words: dict[str, str] = dict(about.get("x-choices", {}))
    if inner is bool:
        kind = "yesno"
    elif typing.get_origin(inner) is tuple:
        kind, inner = "multi", typing.get_args(inner)[0]
    elif typing.get_origin(inner) is Literal:
        kind = "choice"
    else:
        kind = "number"
    values = ("yes", "no") if kind == "yesno" else typing.get_args(inner) if kind != "number" else ()
    low, high = _bounds(info.annotation, info)
    lab = LABS.get(name)
    if lab is not None:  # a unit menu: the field's bounds do not hold for a number in another unit
        low, high = (lab.low, lab.high) if len(lab.units) == 1 else (0.0, None)
    return ProfileField(
        name=name, label=info.title or name, kind=kind, help=str(about.get("x-help", "")),
        description=info.description or "", choices=tuple((str(v), words.get(str(v), str(v))) for v in values),
        unit=str(about.get("x-unit", "")), integer=inner is int, minimum=low, maximum=high,
        cli=str(about.get("x-cli", "--" + name.replace("_", "-"))),
        cli_words=tuple(about.get("x-cli-words", ("yes", "no"))),
    )


@cache
def profile_fields() -> tuple[ProfileField, ...]:
    """Every profile field, in the model's order."""
    return tuple(_field(name, info) for name, info in PatientProfile.model_fields.items())
