"""Typed messages to dataclasses and back: the one encoder and the one decoder of the wire.

The server fills each ``<Name>Response.result`` from the engine's result with
:func:`encode_result`; the client rebuilds the registry's result class for the function it
called with :func:`decode_result` (no type name is read from the wire). Both walk the specs of
:mod:`lab.rpc.schema`, so a value that disagrees with its dataclass's annotations (a str in an
``int`` field, the wrong class) is a :class:`~lab.rpc.arrays.WireError` naming the field. Decoded
values are what was encoded: the same class, NumPy arrays of the same dtype and shape, pandas
objects with their index, tuples as tuples and dicts in their order; an absent optional field
takes the dataclass's default (or None).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lab.rpc import arrays
from lab.rpc.arrays import WireError
from lab.rpc.schema import Field, Kind, result_field, spec

_INT64 = (-(2**63), 2**63 - 1)


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
