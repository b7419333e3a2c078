"""Typed messages to dataclasses and back: the one encoder and the one decoder of the wire.

The server fills each ``<Name>Response.result`` from the engine's result with
:func:`encode_result`; the client rebuilds the registry's result class for the function it
called with :func:`decode_result` (no type name is read from the wire). Both walk the specs of
:mod:`lab.rpc.schema`, so a value that disagrees with its dataclass's annotations (a str in an
``int`` field, the wrong class) is a :class:`~lab.rpc.arrays.WireError` naming the field. Decoded
values are what was encoded: the same class, NumPy arrays of the same dtype and shape, pandas
objects with their index, tuples as tuples and dicts in their order; an absent optional field
takes the dataclass's default (or None).

A caller may ask for less than the whole result (:class:`ResultOptions`, sent as request
metadata, see :data:`FIELDS_KEY`): a field mask (``fields=("metrics", "equity")``) and display
series as float32 (``display_float32=True``). Without options the result is exactly the
engine's. With a field mask the decoder returns a :class:`PartialResult`, a typed read-only view
holding only the fields asked for, rather than the result class with None in fields whose
annotations do not admit None: reading a field that was not asked for raises an AttributeError
that says so. ``display_float32`` rounds only the float64 arrays listed in
:data:`DISPLAY_SERIES` (series that are plotted, never the metrics or anything a number is
computed from) to float32 (about 7 significant digits), which halves their bytes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lab.analytics.backtest import BacktestResult
from lab.rpc import arrays
from lab.rpc.arrays import WireError
from lab.rpc.schema import Field, Kind, result_field, spec

_INT64 = (-(2**63), 2**63 - 1)

FIELDS_KEY = "arblab-result-fields"
"""Request-metadata key of a field mask: the result fields wanted, comma-separated."""
FLOAT32_KEY = "arblab-display-float32"
"""Request-metadata key asking for the display series as float32 (value ``"1"``)."""

DISPLAY_SERIES: dict[type, tuple[str, ...]] = {
    BacktestResult: (
        "equity",
        "zscore",
        "hedge_ratio",
        "returns",
        "gross_exposure",
        "net_exposure",
    ),
}
"""Float64 array fields of a result class that are display series: plotted, never the input of
another number the lab shows (metrics, trades and positions stay exact)."""


# ---------------------------------------------------------------------------------------------
# result options


def _result_class(function: str) -> type | None:
    kinds = result_field(function).kinds
    if len(kinds) == 1 and kinds[0].tag == "message" and kinds[0].repeated is None:
        return kinds[0].py
    return None


@dataclass(frozen=True)
class ResultOptions:
    """What a caller asks of a result: a field mask and float32 display series.

    Attributes
    ----------
    fields : tuple of str or None
        Names of the result dataclass's fields to send, in the dataclass's order (None: all).
    display_float32 : bool
        Send the :data:`DISPLAY_SERIES` of the result as float32.
    """

    fields: tuple[str, ...] | None = None
    display_float32: bool = False

    @property
    def exact(self) -> bool:
        """No option: the result travels whole and exact."""
        return self.fields is None and not self.display_float32

    @classmethod
    def checked(
        cls, function: str, fields: Iterable[str] | str | None = None, display_float32: bool = False
    ) -> ResultOptions:
        """Options for ``function``'s result, checked: unknown fields, a mask on a result that
        is not a dataclass, or float32 on a result without display series are a ValueError
        naming the problem."""
        result = _result_class(function)
        if not isinstance(display_float32, bool | np.bool_):
            raise ValueError(
                f"display_float32 must be True or False, got {type(display_float32).__name__}"
            )
        if display_float32 and result not in DISPLAY_SERIES:
            raise ValueError(
                f"display_float32: {function} returns "
                f"{result.__name__ if result else result_field(function).annotation}, which has "
                "no display series"
            )
        if fields is None:
            return cls(None, bool(display_float32))
        if result is None:
            raise ValueError(
                f"fields: {function} returns {result_field(function).annotation}, not a "
                "dataclass; there are no fields to select"
            )
        if isinstance(fields, str):
            fields = [fields]
        wanted = list(fields)
        names = [f.name for f in spec(result).fields]
        bad = [f for f in wanted if not isinstance(f, str) or f not in names]
        if bad:
            raise ValueError(
                f"fields: {result.__name__} (the result of {function}) has no field(s) "
                f"{', '.join(repr(b) for b in bad)}; its fields are {', '.join(names)}"
            )
        if not wanted:
            raise ValueError(f"fields: name at least one field of {result.__name__}")
        ordered = tuple(n for n in names if n in set(wanted))
        return cls(ordered, bool(display_float32))

    def apply(self, value: Any) -> Any:
        """What the wire delivers of ``value`` under these options, computed locally (the
        grpc backend's native fallback answers with it)."""
        if self.exact:
            return value
        cls = type(value)
        display = DISPLAY_SERIES.get(cls, ()) if self.display_float32 else ()
        values = {}
        for f in spec(cls).fields:
            if self.fields is not None and f.name not in self.fields:
                continue
            item = getattr(value, f.name)
            if f.name in display and isinstance(item, np.ndarray) and item.dtype == np.float64:
                item = item.astype(np.float32)
            values[f.name] = item
        if self.fields is None:
            return dataclasses.replace(value, **values)
        return PartialResult(cls, values)

    def metadata(self) -> tuple[tuple[str, str], ...]:
        """The request metadata that carries these options."""
        out: list[tuple[str, str]] = []
        if self.fields is not None:
            out.append((FIELDS_KEY, ",".join(self.fields)))
        if self.display_float32:
            out.append((FLOAT32_KEY, "1"))
        return tuple(out)

    @classmethod
    def from_metadata(cls, function: str, metadata: Iterable[tuple[str, Any]]) -> ResultOptions:
        """The options a request's metadata asks for (checked as :meth:`checked`)."""
        fields: list[str] | None = None
        float32 = False
        for key, value in metadata or ():
            if key == FIELDS_KEY:
                fields = [f.strip() for f in str(value).split(",") if f.strip()]
            elif key == FLOAT32_KEY:
                if value not in ("1", "0"):
                    raise WireError(FLOAT32_KEY, f"expected '1' or '0', got {value!r}")
                float32 = value == "1"
        try:
            return cls.checked(function, fields, float32)
        except ValueError as exc:
            raise WireError("metadata", str(exc)) from None


EXACT = ResultOptions()
"""No options: the whole result, exact."""


class PartialResult:
    """The fields of a result that a caller asked for (a field mask), read-only.

    Attributes are the requested fields of :attr:`result_type`; any other field of that class
    raises AttributeError naming the mask. ``fields`` lists the fields held.
    """

    __slots__ = ("_values", "result_type")

    def __init__(self, result_type: type, values: dict[str, Any]) -> None:
        object.__setattr__(self, "result_type", result_type)
        object.__setattr__(self, "_values", dict(values))

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self._values)

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        cls = object.__getattribute__(self, "result_type")
        if name in {f.name for f in dataclasses.fields(cls)}:
            raise AttributeError(
                f"{cls.__name__}.{name} was not requested (fields={tuple(values)})"
            )
        raise AttributeError(f"{cls.__name__} has no field {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a PartialResult is read-only")

    def __repr__(self) -> str:
        return f"PartialResult({self.result_type.__name__}, fields={self.fields})"


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


def encode_result(function: str, value: Any, response: Any, options: ResultOptions = EXACT) -> None:
    """Set ``response.result`` to ``function``'s result ``value`` (what ``options`` ask for)."""
    if options.exact:
        put(response, result_field(function), value, "result")
        return
    cls = _result_class(function)
    if type(value) is not cls:
        raise WireError("result", f"expected {cls.__name__}, got {type(value).__name__}")
    message = response.result
    message.SetInParent()
    display = DISPLAY_SERIES.get(cls, ()) if options.display_float32 else ()
    for f in spec(cls).fields:
        if options.fields is not None and f.name not in options.fields:
            continue
        item = getattr(value, f.name)
        if f.name in display and isinstance(item, np.ndarray) and item.dtype == np.float64:
            item = item.astype(np.float32)
        put(message, f, item, f"result.{f.name}")


def decode_result(function: str, response: Any, options: ResultOptions = EXACT) -> Any:
    """``function``'s result, an instance of the registry's result type, from ``response``;
    with a field mask, a :class:`PartialResult` of the fields asked for."""
    if options.fields is None:
        present, value = get(response, result_field(function), "result")
        if not present:
            raise WireError("result", f"the {function} response carries no result")
        return value
    cls = _result_class(function)
    if not response.HasField("result"):
        raise WireError("result", f"the {function} response carries no result")
    values: dict[str, Any] = {}
    for f in spec(cls).fields:
        if f.name in options.fields:
            present, value = get(response.result, f, f"result.{f.name}")
            if not present and not f.optional:
                raise WireError(f"result.{f.name}", "requested field is missing")
            values[f.name] = value
    return PartialResult(cls, values)
