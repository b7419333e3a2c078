"""The wire schema: result and argument dataclasses as protobuf messages, from their type hints.

Every analytic's result type (:attr:`lab.analytics.registry.Analytic.result`, nested
dataclasses included) and every dataclass an argument may be (:data:`PARAMETER_TYPES`) has one
message in ``proto/arblab/v1/analytics.proto``. :mod:`lab.rpc.codegen` writes those messages
from the specs below (``typing.get_type_hints`` and ``dataclasses.fields``), and the same specs
drive the one encoder (server: dataclass -> message) and the one decoder (client: message ->
the registry's class) of :mod:`lab.rpc.messages`. The set of types is closed by
construction: the client looks the class up by function name and never reads a type name from
the wire.

Type mapping (annotation -> proto field):

==================================  ==========================================================
``float``, ``int``, ``bool``, ``str``  ``double``, ``sint64``, ``bool``, ``string``
``np.ndarray``                       ``NDArray`` (dtype, shape, raw bytes)
``pd.Series``, ``pd.DataFrame``      ``Frame``
a dataclass                          its message
``tuple[X, ...]``, ``list[X]``       ``repeated X`` (decoded as a tuple, a list)
``dict[str, X]``                     ``repeated XEntry`` with ``XEntry {string key; X value}``
``X | None``                         ``optional X`` (presence of a message field)
``X | Y``                            ``oneof name {X name_x; Y name_y}``
==================================  ==========================================================

Dictionaries travel as entry lists rather than protobuf ``map`` fields because maps keep no
order and the metric dictionaries are ordered tables. A field with a dataclass default is
``optional`` as well: an absent field takes the default, so a hand-written client sends only
what it changes. Any other annotation (``Any``, a bare ``dict``, ``object``...) is a
:class:`SchemaError` naming the class and the field.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lab.analytics import registry
from lab.analytics.backtest import PairParams
from lab.analytics.options import OptionStrategy
from lab.analytics.orderbook import BookSnapshot, LOBEvents
from lab.analytics.regimes.results import HMMParams

PARAMETER_TYPES: tuple[type, ...] = (PairParams, BookSnapshot, LOBEvents, OptionStrategy, HMMParams)
"""Dataclasses an analytics argument may be; each is a member of the request ``Value``'s oneof
(named :func:`snake_name` of the class), so a request names no type either."""

_SCALARS: dict[type, str] = {float: "double", int: "sint64", bool: "bool", str: "string"}


class SchemaError(TypeError):
    """An annotation of a wire dataclass that has no protobuf form (names class and field)."""


@dataclass(frozen=True)
class Kind:
    """The wire type of a field.

    Attributes
    ----------
    proto : str
        Proto type of one element (``"double"``, ``"NDArray"``, ``"BacktestResult"``,
        ``"DoubleEntry"``).
    tag : str
        ``"scalar"``, ``"array"``, ``"frame"``, ``"message"`` or ``"entries"`` (a dict).
    py : object
        The Python type: the scalar type, the dataclass, or the pandas type(s) of a frame.
    repeated : type or None
        ``tuple`` or ``list`` for a repeated field (the container it decodes to), ``dict`` for
        entries, else None.
    value : Kind or None
        Kind of the values of a dict.
    """

    proto: str
    tag: str
    py: Any = None
    repeated: type | None = None
    value: Kind | None = None


@dataclass(frozen=True)
class Field:
    """One dataclass field on the wire: ``kinds`` has one entry, or several for a oneof."""

    name: str
    kinds: tuple[Kind, ...]
    number: int
    optional: bool = False
    default: bool = False
    doc: str = ""
    annotation: str = ""

    def member(self, kind: Kind) -> str:
        """Name of the oneof member that carries ``kind`` (only for a union field)."""
        if kind.tag == "scalar":
            suffix = kind.proto
        elif kind.tag == "message":
            suffix = snake_name(kind.py.__name__)
        else:
            suffix = kind.tag
        return f"{self.name}_{suffix}"


@dataclass(frozen=True)
class MessageSpec:
    """The message of one dataclass: its name (the class name) and fields in order."""

    name: str
    cls: type
    fields: tuple[Field, ...]
    doc: str


def snake_name(name: str) -> str:
    """``LOBEvents`` -> ``lob_events``, ``PairParams`` -> ``pair_params``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


# ---------------------------------------------------------------------------------------------
# the schema


def _annotation_text(tp: Any) -> str:
    return tp.__name__ if isinstance(tp, type) else str(tp).replace("typing.", "")


def _kind(tp: Any, where: str) -> Kind:
    if tp in _SCALARS:
        return Kind(_SCALARS[tp], "scalar", tp)
    if tp is np.ndarray:
        return Kind("NDArray", "array", np.ndarray)
    if tp in (pd.Series, pd.DataFrame):
        return Kind("Frame", "frame", tp)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return Kind(tp.__name__, "message", tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if (origin is tuple and len(args) == 2 and args[1] is Ellipsis) or (
        origin is list and len(args) == 1
    ):
        item = _kind(args[0], where)
        if item.repeated is not None:
            raise SchemaError(f"{where}: {_annotation_text(tp)} nests a repeated type")
        return dataclasses.replace(item, repeated=origin)
    if origin is dict and len(args) == 2 and args[0] is str:
        value = _kind(args[1], where)
        if value.repeated is dict:
            raise SchemaError(f"{where}: {_annotation_text(tp)} nests a dict")
        base = value.proto[:1].upper() + value.proto[1:]
        name = base + ("List" if value.repeated else "") + "Entry"
        return Kind(name, "entries", dict, repeated=dict, value=value)
    raise SchemaError(
        f"{where}: annotation {_annotation_text(tp)!r} has no protobuf form; use float, int, "
        "bool, str, np.ndarray, pd.Series, pd.DataFrame, a dataclass, tuple[X, ...], list[X], "
        "dict[str, X], X | None or a union of those"
    )


def field_kinds(tp: Any, where: str) -> tuple[tuple[Kind, ...], bool]:
    """The kind(s) of annotation ``tp`` and whether it admits None."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        every = typing.get_args(tp)
        options = [a for a in every if a is not type(None)]
        optional = len(options) < len(every)
    else:
        options, optional = [tp], False
    kinds = tuple(_kind(a, where) for a in options)
    if any(k.repeated for k in kinds) and (len(kinds) > 1 or optional):
        raise SchemaError(
            f"{where}: {_annotation_text(tp)}: a repeated field cannot be optional or part of "
            "a union (an absent one cannot be told from an empty one)"
        )
    return kinds, optional


_SECTION_RULE = re.compile(r"^-{3,}$")
_ENTRY = re.compile(r"^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*:\s*(.*)$")


def field_docs(cls: type) -> dict[str, tuple[str, str]]:
    """``(type, description)`` of a dataclass's fields from the numpydoc ``Attributes``
    section of its docstring; a field's metadata ``doc`` (PairParams) is its description."""
    lines = (inspect.getdoc(cls) or "").splitlines()
    out: dict[str, tuple[str, list[str]]] = {}
    current: list[str] = []
    inside = False
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and _SECTION_RULE.match(lines[i + 1].strip()):
            inside = line.strip() == "Attributes"
            current = []
            continue
        if not inside or _SECTION_RULE.match(line.strip()):
            continue
        if line and not line[0].isspace():
            match = _ENTRY.match(line)
            current = [n.strip() for n in match.group(1).split(",")] if match else []
            for name in current:
                out[name] = (match.group(2).strip(), [])
        elif line.strip() and current:
            for name in current:
                out[name][1].append(line.strip())
    docs = {name: (kind, " ".join(parts)) for name, (kind, parts) in out.items()}
    for f in dataclasses.fields(cls):
        if f.metadata.get("doc"):
            docs[f.name] = (docs.get(f.name, ("", ""))[0], str(f.metadata["doc"]))
    return docs


def _doc(entry: tuple[str, str] | None, annotation: str) -> str:
    kind, description = entry or ("", "")
    kind = kind or annotation
    return f"{kind}: {description}" if description else kind


@functools.cache
def spec(cls: type) -> MessageSpec:
    """The message spec of dataclass ``cls`` (its init fields, numbered in order)."""
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise SchemaError(f"{cls!r} is not a dataclass")
    try:
        hints = typing.get_type_hints(cls)
    except Exception as exc:
        raise SchemaError(f"{cls.__module__}.{cls.__qualname__}: type hints: {exc}") from None
    docs = field_docs(cls)
    fields: list[Field] = []
    number = 1
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        where = f"{cls.__module__}.{cls.__qualname__}.{f.name}"
        kinds, optional = field_kinds(hints[f.name], where)
        default = f.default is not dataclasses.MISSING or (
            f.default_factory is not dataclasses.MISSING
        )
        fields.append(
            Field(
                f.name,
                kinds,
                number,
                optional=optional or (default and kinds[0].repeated is None),
                default=default,
                doc=_doc(docs.get(f.name), _annotation_text(hints[f.name])),
                annotation=_annotation_text(hints[f.name]),
            )
        )
        number += len(kinds)
    summary = (inspect.getdoc(cls) or "").split("\n\n")[0]
    return MessageSpec(cls.__name__, cls, tuple(fields), " ".join(summary.split()))


@functools.cache
def result_field(function: str) -> Field:
    """The ``result`` field of ``function``'s response: the registry's result type."""
    tp = registry.get(function).result
    kinds, optional = field_kinds(tp, f"lab.analytics.registry {function}.result")
    return Field("result", kinds, 1, optional=optional, annotation=_annotation_text(tp))


def _nested(kinds: tuple[Kind, ...]) -> Iterator[Kind]:
    for kind in kinds:
        yield kind
        if kind.value is not None:
            yield from _nested((kind.value,))


def closure(roots: tuple[type, ...]) -> tuple[list[MessageSpec], list[Kind]]:
    """Specs of ``roots`` and every dataclass reachable from them (each once, in order of
    discovery), and the dict-entry kinds they use; two classes of one name are an error."""
    specs: dict[str, MessageSpec] = {}
    entries: dict[str, Kind] = {}

    def visit(cls: type) -> None:
        name = cls.__name__
        if name in specs:
            if specs[name].cls is not cls:
                other = specs[name].cls
                raise SchemaError(
                    f"{cls.__module__}.{cls.__qualname__} and {other.__module__}."
                    f"{other.__qualname__} would both be message {name}"
                )
            return
        specs[name] = spec(cls)
        for f in specs[name].fields:
            walk(f.kinds)

    def walk(kinds: tuple[Kind, ...]) -> None:
        for kind in _nested(kinds):
            if kind.tag == "message":
                visit(kind.py)
            elif kind.tag == "entries":
                entries.setdefault(kind.proto, kind)

    for root in roots:
        visit(root)
    return list(specs.values()), list(entries.values())


def parameter_member(cls: type) -> str | None:
    """The ``Value`` oneof member carrying an argument of dataclass ``cls`` (None: not one)."""
    return snake_name(cls.__name__) if cls in PARAMETER_TYPES else None


PARAMETER_MEMBERS: dict[str, type] = {snake_name(c.__name__): c for c in PARAMETER_TYPES}
"""``Value`` oneof member -> the argument dataclass it carries."""
