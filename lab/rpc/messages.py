"""Result and argument dataclasses as typed protobuf messages, derived from their type hints.

Every analytic's result type (:attr:`lab.analytics.registry.Analytic.result`, nested
dataclasses included) and every dataclass an argument may be (:data:`PARAMETER_TYPES`) has one
message in ``proto/arblab/v1/analytics.proto``. :mod:`lab.rpc.codegen` writes those messages
from the specs below (``typing.get_type_hints`` and ``dataclasses.fields``), and the same specs
drive the one encoder (server: dataclass -> message, :func:`encode`) and the one decoder
(client: message -> the registry's class, :func:`decode`). The set of types is closed by
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
from lab.rpc import arrays
from lab.rpc.arrays import WireError

PARAMETER_TYPES: tuple[type, ...] = (PairParams, BookSnapshot, LOBEvents, OptionStrategy, HMMParams)
"""Dataclasses an analytics argument may be; each is a member of the request ``Value``'s oneof
(named :func:`snake_name` of the class), so a request names no type either."""

_SCALARS: dict[type, str] = {float: "double", int: "sint64", bool: "bool", str: "string"}
_INT64 = (-(2**63), 2**63 - 1)


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


# ---------------------------------------------------------------------------------------------
# encoding (dataclass -> message)


def encode(obj: Any, message: Any, path: str) -> None:
    """Fill ``message`` (the message of ``type(obj)``) with the dataclass ``obj``."""
    for f in spec(type(obj)).fields:
        put(message, f, getattr(obj, f.name), f"{path}.{f.name}")


def put(message: Any, f: Field, value: Any, path: str) -> None:
    """Set field ``f`` of ``message`` to ``value`` (checked against the annotation)."""
    if value is None:
        if f.optional:
            return
        raise WireError(path, f"None where the annotation is {f.annotation}")
    if len(f.kinds) == 1:
        _put_kind(message, f.name, f.kinds[0], value, path)
        return
    for kind in f.kinds:
        if _accepts(kind, value):
            _put_kind(message, f.member(kind), kind, value, path)
            return
    raise WireError(path, f"a {type(value).__name__} where the annotation is {f.annotation}")


def _accepts(kind: Kind, value: Any) -> bool:
    if kind.tag == "scalar":
        if kind.py is float:
            return isinstance(value, float | np.floating)
        if kind.py is int:
            return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
        return isinstance(value, kind.py if kind.py is not bool else bool | np.bool_)
    if kind.tag == "message":
        return type(value) is kind.py
    return isinstance(value, kind.py)


def _scalar(kind: Kind, value: Any, path: str) -> Any:
    py = kind.py
    if py is float and isinstance(value, float | int | np.floating | np.integer):
        if not isinstance(value, bool | np.bool_):
            return float(value)
    elif py is int and _accepts(kind, value):
        number = int(value)
        if not _INT64[0] <= number <= _INT64[1]:
            raise WireError(path, f"integer {number} does not fit in 64 bits")
        return number
    elif py is bool and isinstance(value, bool | np.bool_):
        return bool(value)
    elif py is str and isinstance(value, str):
        return value
    raise WireError(path, f"expected {py.__name__}, got {type(value).__name__}")


def _put_kind(message: Any, name: str, kind: Kind, value: Any, path: str) -> None:
    if kind.repeated is dict:
        if not isinstance(value, dict):
            raise WireError(path, f"expected a dict, got {type(value).__name__}")
        target = getattr(message, name)
        for key, item in value.items():
            if not isinstance(key, str):
                raise WireError(path, f"dict keys must be str, got {type(key).__name__} {key!r}")
            entry = target.add()
            entry.key = key
            _put_kind(entry, "value", kind.value, item, f"{path}.{key}")
        return
    if kind.repeated is not None:
        if not isinstance(value, tuple | list):
            raise WireError(path, f"expected a sequence, got {type(value).__name__}")
        target = getattr(message, name)
        if kind.tag == "scalar":
            target.extend(_scalar(kind, v, f"{path}[{i}]") for i, v in enumerate(value))
        else:
            for i, item in enumerate(value):
                _fill(kind, item, target.add(), f"{path}[{i}]")
        return
    if kind.tag == "scalar":
        setattr(message, name, _scalar(kind, value, path))
        return
    sub = getattr(message, name)
    sub.SetInParent()
    _fill(kind, value, sub, path)


def _fill(kind: Kind, value: Any, sub: Any, path: str) -> None:
    if not _accepts(kind, value):
        raise WireError(path, f"expected {kind.proto}, got {type(value).__name__}")
    if kind.tag == "array":
        arrays.encode_array(value, sub, path)
    elif kind.tag == "frame":
        arrays.encode_frame(value, sub, path)
    else:
        encode(value, sub, path)


# ---------------------------------------------------------------------------------------------
# decoding (message -> dataclass)


def decode(cls: type, message: Any, path: str) -> Any:
    """The ``cls`` instance carried by ``message``; absent optional fields take the class's
    default (or None)."""
    values: dict[str, Any] = {}
    for f in spec(cls).fields:
        present, value = get(message, f, f"{path}.{f.name}")
        if present:
            values[f.name] = value
        elif not f.default:
            if not f.optional:
                raise WireError(f"{path}.{f.name}", "required field is missing")
            values[f.name] = None
    try:
        return cls(**values)
    except TypeError as exc:
        raise WireError(path, f"cannot build {cls.__name__}: {exc}") from None


def get(message: Any, f: Field, path: str) -> tuple[bool, Any]:
    """``(present, value)`` of field ``f`` of ``message``."""
    if len(f.kinds) > 1:
        which = message.WhichOneof(f.name)
        if which is None:
            return False, None
        kind = next(k for k in f.kinds if f.member(k) == which)
        return True, _get_kind(message, which, kind, path)
    kind = f.kinds[0]
    if kind.repeated is None and (kind.tag != "scalar" or f.optional):
        if not message.HasField(f.name):
            return False, None
    return True, _get_kind(message, f.name, kind, path)


def _get_kind(message: Any, name: str, kind: Kind, path: str) -> Any:
    if kind.repeated is dict:
        out: dict[str, Any] = {}
        for entry in getattr(message, name):
            where = f"{path}.{entry.key}"
            if entry.key in out:
                raise WireError(where, "key given twice")
            if kind.value.repeated is None and kind.value.tag != "scalar":
                if not entry.HasField("value"):
                    raise WireError(where, "entry has no value")
            out[entry.key] = _get_kind(entry, "value", kind.value, where)
        return out
    items = getattr(message, name)
    if kind.repeated is not None:
        if kind.tag == "scalar":
            return kind.repeated(items)
        return kind.repeated(_one(kind, item, f"{path}[{i}]") for i, item in enumerate(items))
    return items if kind.tag == "scalar" else _one(kind, items, path)


def _one(kind: Kind, sub: Any, path: str) -> Any:
    if kind.tag == "array":
        return arrays.decode_array(sub, path, allow_empty=True)
    if kind.tag == "frame":
        value = arrays.decode_frame(sub, path, allow_empty=True)
        if not isinstance(value, kind.py):
            raise WireError(path, f"expected a {kind.py.__name__}, got a {type(value).__name__}")
        return value
    return decode(kind.py, sub, path)


# ---------------------------------------------------------------------------------------------
# responses


def encode_result(function: str, value: Any, response: Any) -> None:
    """Set ``response.result`` to ``function``'s result ``value``."""
    put(response, result_field(function), value, "result")


def decode_result(function: str, response: Any) -> Any:
    """``function``'s result, an instance of the registry's result type, from ``response``."""
    present, value = get(response, result_field(function), "result")
    if not present:
        raise WireError("result", f"the {function} response carries no result")
    return value
