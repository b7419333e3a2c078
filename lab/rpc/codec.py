"""Convert Python values to the wire messages of ``arblab.v1`` and back.

Encoding rules (see ``proto/arblab/v1/analytics.proto``):

* NumPy arrays travel as ``NDArray``: NumPy's dtype string, the shape, and the raw bytes in
  little-endian C order (big-endian input is byte-swapped, object arrays of strings become
  fixed-width unicode). Decoded arrays are fresh, writable copies.
* pandas Series and DataFrames travel as ``Frame``: one ``NDArray`` per column plus the index,
  column labels and names, so a result that keeps a date index arrives with it.
* Frozen dataclasses travel as ``Record`` with their ``module:QualName``; the receiver rebuilds
  the same class. A server accepts only dataclasses defined under ``lab.analytics``.
* ``None``, ``bool``, ``int``, ``float``, ``str``, lists, tuples and dicts with string keys map to
  the corresponding ``Value`` kinds; NumPy scalars become Python scalars.
* A dataset uploaded with ``PutDataset`` is hashed into a content-addressed ref
  (:func:`dataset_ref`) and can stand in for an array argument (``DatasetColumns``).

Decoding errors raise :class:`WireError`, a ``ValueError`` that names the offending field.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import hashlib
import importlib
import inspect
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from lab.rpc._gen import analytics_pb2 as pb

_ALLOWED_KINDS = "biufcmMU"
_INT64 = (-(2**63), 2**63 - 1)
SERVER_RECORD_MODULES = ("lab.analytics",)
"""Module prefixes whose dataclasses a server rebuilds from a ``Record`` in a request."""
CLIENT_RECORD_MODULES = ("lab",)
"""Module prefixes whose dataclasses a client rebuilds from a ``Record`` in a result."""


class WireError(ValueError):
    """A payload that cannot be encoded or decoded.

    Attributes
    ----------
    field : str
        Dotted path of the offending field (``"y"``, ``"params.entry_z"``, ``"legs[0]"``).
    problem : str
        What is wrong with it.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"field '{field}': {problem}")


class UnknownDatasetError(WireError):
    """A ``DatasetColumns`` names a ref the server does not hold (never uploaded or evicted)."""

    def __init__(self, field: str, ref: str) -> None:
        self.ref = ref
        super().__init__(field, f"unknown dataset ref {ref!r} (upload it with PutDataset first)")


@dataclasses.dataclass(frozen=True)
class DatasetArg:
    """An argument that names an uploaded dataset instead of carrying its values.

    Parameters
    ----------
    ref : str
        Content-addressed ref returned by ``PutDataset``.
    columns : tuple of str
        Column labels to select from a 2-D dataset (empty: all columns).
    column_indices : tuple of int
        Column positions to select instead of labels.
    squeeze : bool
        Deliver a single selected column as 1-D (a Series for a DataFrame dataset).
    """

    ref: str
    columns: tuple[str, ...] = ()
    column_indices: tuple[int, ...] = ()
    squeeze: bool = False


# ---------------------------------------------------------------------------------------------
# arrays


def dtype_text(dtype: np.dtype) -> str:
    """The wire form of a dtype: ``dtype.str``, or ``repr(dtype.descr)`` for a structured one."""
    return repr(dtype.descr) if dtype.names is not None else dtype.str


def wire_dtype(text: str, field: str) -> np.dtype:
    """Parse and check a dtype string received on the wire.

    Plain dtypes are NumPy dtype strings (``"<f8"``); a structured dtype is the ``repr`` of its
    ``descr`` (``"[('seq', '<i8'), ('price', '<f8')]"``), with plain fields only.
    """
    if text.startswith("["):
        try:
            descr = ast.literal_eval(text)
            if not isinstance(descr, list) or not descr:
                raise ValueError("not a non-empty list")
            for item in descr:
                if not (
                    isinstance(item, tuple)
                    and len(item) == 2
                    and all(isinstance(v, str) for v in item)
                ):
                    raise ValueError(f"field spec {item!r} is not a (name, dtype) pair of strings")
                wire_dtype(item[1], f"{field}.{item[0]}")
            return np.dtype(descr)
        except WireError:
            raise
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as exc:
            raise WireError(f"{field}.dtype", f"bad structured dtype {text!r}: {exc}") from None
    try:
        dtype = np.dtype(text)
    except (TypeError, ValueError, SyntaxError):
        raise WireError(f"{field}.dtype", f"unknown dtype {text!r}") from None
    if dtype.kind not in _ALLOWED_KINDS or dtype.subdtype is not None:
        raise WireError(
            f"{field}.dtype",
            f"unsupported dtype {text!r}; use bool, (unsigned) integer, float, complex, "
            "datetime64, timedelta64 or fixed-width unicode",
        )
    if dtype.byteorder == ">":
        raise WireError(
            f"{field}.dtype", f"dtype {text!r} is big-endian; arrays travel little-endian"
        )
    if dtype.itemsize == 0:
        raise WireError(f"{field}.dtype", f"dtype {text!r} has zero item size")
    if dtype.kind in "mM" and np.datetime_data(dtype)[0] == "generic":
        raise WireError(f"{field}.dtype", f"dtype {text!r} has no time unit, e.g. use '<M8[ns]'")
    return dtype


def _wire_array(array: np.ndarray, field: str) -> np.ndarray:
    """``array`` as a C-contiguous, little-endian array of a dtype the wire carries."""
    if array.dtype.kind == "O":
        items = array.ravel().tolist()
        if not all(isinstance(item, str) for item in items):
            raise WireError(field, "object arrays can only be sent when every item is a str")
        array = np.asarray(array, dtype=str)
    if array.dtype.names is not None:
        little = np.dtype(
            [
                (name, _little(array.dtype.fields[name][0], f"{field}.{name}"))
                for name in array.dtype.names
            ]
        )
        return _c_order(array.astype(little))
    return _c_order(array.astype(_little(array.dtype, field), copy=False))


def _c_order(array: np.ndarray) -> np.ndarray:
    # np.ascontiguousarray would turn a 0-d array into 1-d
    return array if array.flags.c_contiguous else np.ascontiguousarray(array)


def _little(dtype: np.dtype, field: str) -> np.dtype:
    if dtype.kind not in _ALLOWED_KINDS or dtype.subdtype is not None:
        raise WireError(field, f"arrays of dtype {dtype} cannot be sent")
    return dtype.newbyteorder("<") if dtype.byteorder == ">" else dtype


def encode_array(array: np.ndarray, message: pb.NDArray, field: str = "array") -> None:
    """Fill ``message`` with ``array`` (dtype string, shape, little-endian C-order bytes)."""
    array = _wire_array(np.asarray(array), field)
    message.dtype = dtype_text(array.dtype)
    message.shape[:] = array.shape
    message.data = array.tobytes()


def expected_nbytes(dtype: np.dtype, shape: Sequence[int], field: str) -> int:
    """Bytes an array of ``shape`` and ``dtype`` occupies; checks the dimensions."""
    size = 1
    for dim in shape:
        if dim < 0:
            raise WireError(f"{field}.shape", f"negative dimension in shape {list(shape)}")
        size *= int(dim)
    return size * dtype.itemsize


def decode_array(
    message: pb.NDArray, field: str = "array", allow_empty: bool = False
) -> np.ndarray:
    """Rebuild a writable array from ``message``, checking dtype, shape and byte count."""
    dtype = wire_dtype(message.dtype, field)
    shape = tuple(int(d) for d in message.shape)
    nbytes = expected_nbytes(dtype, shape, field)
    if len(message.data) != nbytes:
        raise WireError(
            field,
            f"shape {list(shape)} of dtype {dtype.str} needs {nbytes} bytes, data has "
            f"{len(message.data)}",
        )
    size = nbytes // dtype.itemsize
    if size == 0:
        if not allow_empty:
            raise WireError(field, f"empty array (shape {list(shape)})")
        return np.empty(shape, dtype=dtype)
    return np.frombuffer(message.data, dtype=dtype, count=size).reshape(shape).copy()


# ---------------------------------------------------------------------------------------------
# pandas


def _index_array(index: pd.Index, field: str) -> tuple[np.ndarray, str]:
    if isinstance(index, pd.MultiIndex | pd.PeriodIndex | pd.IntervalIndex | pd.CategoricalIndex):
        raise WireError(field, f"{type(index).__name__} cannot be sent; reset it to columns first")
    if isinstance(index, pd.DatetimeIndex) and index.tz is not None:
        return index.tz_convert("UTC").tz_localize(None).to_numpy(), str(index.tz)
    values = index.to_numpy()
    if values.dtype.kind == "O" or isinstance(index.dtype, pd.StringDtype):
        values = np.asarray(
            [str(v) for v in values] if values.dtype.kind == "O" else values, dtype=str
        )
    return values, ""


def _column_array(values: Any, field: str) -> np.ndarray:
    if isinstance(values.dtype, pd.CategoricalDtype):
        raise WireError(field, "categorical columns cannot be sent; convert them first")
    if isinstance(values.dtype, pd.StringDtype) or values.dtype == object:
        array = values.to_numpy(dtype=object)
        return _wire_array(array, field)
    if isinstance(values.dtype, pd.api.extensions.ExtensionDtype) and not isinstance(
        values.dtype, pd.DatetimeTZDtype
    ):
        try:
            return _wire_array(values.to_numpy(dtype=values.dtype.numpy_dtype), field)
        except (AttributeError, TypeError, ValueError) as exc:
            raise WireError(field, f"column dtype {values.dtype} cannot be sent: {exc}") from None
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        raise WireError(field, "tz-aware datetime columns cannot be sent; convert them to UTC")
    return _wire_array(values.to_numpy(), field)


def encode_frame_meta(obj: pd.Series | pd.DataFrame, meta: pb.FrameMeta, field: str) -> None:
    """Fill ``meta`` with the index, labels and names of a pandas object."""
    meta.series = isinstance(obj, pd.Series)
    index, tz = _index_array(obj.index, f"{field}.index")
    encode_array(index, meta.index, f"{field}.index")
    meta.index_tz = tz
    encode_value(obj.index.name, meta.index_name, f"{field}.index_name")
    if meta.series:
        encode_value(obj.name, meta.name, f"{field}.name")
    else:
        labels, _ = _index_array(obj.columns, f"{field}.columns")
        encode_array(labels, meta.column_labels, f"{field}.columns")
        encode_value(obj.columns.name, meta.columns_name, f"{field}.columns_name")


def encode_frame(obj: pd.Series | pd.DataFrame, message: pb.Frame, field: str) -> None:
    """Fill ``message`` with a Series or DataFrame, one NDArray per column."""
    encode_frame_meta(obj, message.meta, field)
    if isinstance(obj, pd.Series):
        encode_array(_column_array(obj.array, field), message.columns.add(), field)
    else:
        for position in range(obj.shape[1]):
            column = obj.iloc[:, position]
            encode_array(_column_array(column.array, f"{field}[{position}]"), message.columns.add())


def _rebuild_index(meta: pb.FrameMeta, field: str, index_name: Any) -> pd.Index:
    values = decode_array(meta.index, f"{field}.index", allow_empty=True)
    if values.ndim != 1:
        raise WireError(f"{field}.index", f"index must be 1-D, got shape {list(values.shape)}")
    if meta.index_tz:
        if values.dtype.kind != "M":
            raise WireError(f"{field}.index_tz", "a time zone needs a datetime64 index")
        try:
            return (
                pd.DatetimeIndex(values, name=index_name)
                .tz_localize("UTC")
                .tz_convert(meta.index_tz)
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise WireError(
                f"{field}.index_tz", f"unknown time zone {meta.index_tz!r}: {exc}"
            ) from None
    if (
        values.dtype.kind == "i"
        and len(values)
        and np.array_equal(
            values, np.arange(values[0], values[0] + len(values), dtype=values.dtype)
        )
    ):
        return pd.RangeIndex(int(values[0]), int(values[0]) + len(values), name=index_name)
    return pd.Index(values, name=index_name)


@dataclasses.dataclass(frozen=True)
class FrameLabels:
    """Index, column labels and name of a pandas object, rebuilt from a ``FrameMeta``."""

    series: bool
    index: pd.Index
    columns: pd.Index | None
    name: Any


def frame_labels(meta: pb.FrameMeta, field: str) -> FrameLabels:
    """Rebuild the labels carried by ``meta``."""
    index_name = decode_value(meta.index_name, f"{field}.index_name", optional=True)
    index = _rebuild_index(meta, field, index_name)
    if meta.series:
        return FrameLabels(
            True, index, None, decode_value(meta.name, f"{field}.name", optional=True)
        )
    labels = decode_array(meta.column_labels, f"{field}.columns", allow_empty=True)
    if labels.ndim != 1:
        raise WireError(
            f"{field}.columns", f"column labels must be 1-D, got shape {list(labels.shape)}"
        )
    columns_name = decode_value(meta.columns_name, f"{field}.columns_name", optional=True)
    return FrameLabels(False, index, pd.Index(labels, name=columns_name), None)


def check_labels(labels: FrameLabels, shape: Sequence[int], field: str) -> None:
    """Check that ``labels`` fit values of ``shape``."""
    kind = "Series" if labels.series else "DataFrame"
    if len(shape) != (1 if labels.series else 2):
        raise WireError(
            field, f"a {kind} needs {1 if labels.series else 2}-D values, got shape {list(shape)}"
        )
    if len(labels.index) != shape[0]:
        raise WireError(f"{field}.index", f"{len(labels.index)} labels for {shape[0]} rows")
    if labels.columns is not None and len(labels.columns) != shape[1]:
        raise WireError(
            f"{field}.columns", f"{len(labels.columns)} column labels for {shape[1]} columns"
        )


def wrap(labels: FrameLabels, values: np.ndarray) -> pd.Series | pd.DataFrame:
    """A Series or DataFrame of ``values`` with ``labels`` (values are not copied again)."""
    if labels.series:
        return pd.Series(values, index=labels.index, name=labels.name, copy=False)
    return pd.DataFrame(values, index=labels.index, columns=labels.columns, copy=False)


def frame_from_meta(meta: pb.FrameMeta, values: np.ndarray, field: str) -> pd.Series | pd.DataFrame:
    """Wrap ``values`` (1-D for a Series, 2-D for a DataFrame) in the labels of ``meta``."""
    labels = frame_labels(meta, field)
    check_labels(labels, values.shape, field)
    return wrap(labels, values)


def decode_frame(message: pb.Frame, field: str, allow_empty: bool) -> pd.Series | pd.DataFrame:
    """Rebuild a Series or DataFrame from ``message``."""
    meta = message.meta
    columns = [
        decode_array(col, f"{field}.columns[{i}]", allow_empty=allow_empty)
        for i, col in enumerate(message.columns)
    ]
    for i, col in enumerate(columns):
        if col.ndim != 1:
            raise WireError(
                f"{field}.columns[{i}]", f"columns must be 1-D, got shape {list(col.shape)}"
            )
    if meta.series:
        if len(columns) != 1:
            raise WireError(f"{field}.columns", f"a Series has one column, got {len(columns)}")
        return frame_from_meta(meta, columns[0], field)
    lengths = {len(col) for col in columns}
    if len(lengths) > 1:
        raise WireError(f"{field}.columns", f"columns have different lengths {sorted(lengths)}")
    n_rows = lengths.pop() if lengths else int(meta.index.shape[0]) if meta.index.shape else 0
    if not columns and not allow_empty:
        raise WireError(field, "empty DataFrame (no columns)")
    dtypes = {col.dtype for col in columns}
    if len(dtypes) == 1:
        values = np.column_stack(columns) if columns else np.empty((n_rows, 0))
        return frame_from_meta(meta, values, field)
    # mixed dtypes: build column by column under positional labels, then relabel
    labels = frame_labels(meta, field)
    check_labels(labels, (n_rows, len(columns)), field)
    rebuilt = pd.DataFrame(dict(enumerate(columns)), index=labels.index)
    rebuilt.columns = labels.columns
    return rebuilt


# ---------------------------------------------------------------------------------------------
# records (frozen dataclasses)


def record_type_name(cls: type) -> str:
    """``module:QualName`` of a dataclass, as carried in ``Record.type``."""
    return f"{cls.__module__}:{cls.__qualname__}"


def resolve_record_type(name: str, field: str, modules: Sequence[str]) -> type:
    """The dataclass named ``module:QualName``, restricted to the module prefixes ``modules``."""
    try:
        return _resolve_record_type(name, tuple(modules))
    except WireError as exc:
        raise WireError(f"{field}.type", exc.problem) from None


@functools.lru_cache(maxsize=256)
def _resolve_record_type(name: str, modules: tuple[str, ...]) -> type:
    # errors name "type"; resolve_record_type puts the caller's field path in front
    module_name, sep, qualname = name.partition(":")
    allowed = any(module_name == m or module_name.startswith(m + ".") for m in modules)
    if not sep or not qualname or not allowed or "<" in qualname:
        raise WireError("type", f"record type {name!r} is not an ArbLab dataclass")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        raise WireError("type", f"unknown record type {name!r}") from None
    if not (isinstance(obj, type) and dataclasses.is_dataclass(obj)):
        raise WireError("type", f"{name!r} is not a dataclass")
    if obj.__module__ != module_name or obj.__qualname__ != qualname:
        # a name reached through an import (``lab.analytics.stats.checks:pd.NamedAgg``) is not one of
        # ArbLab's own types: only a class under the name it was defined with is rebuilt
        raise WireError("type", f"record type {name!r} is not an ArbLab dataclass")
    return obj


@functools.lru_cache(maxsize=256)
def _init_fields(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls) if f.init)


def encode_record(obj: Any, message: pb.Record, field: str) -> None:
    """Fill ``message`` with a dataclass instance's init fields, by name."""
    message.type = record_type_name(type(obj))
    for f in dataclasses.fields(obj):
        if not f.init:
            continue
        entry = message.fields.add()
        entry.name = f.name
        encode_value(getattr(obj, f.name), entry.value, f"{field}.{f.name}")


# ---------------------------------------------------------------------------------------------
# values


def encode_value(obj: Any, message: pb.Value, field: str = "value") -> None:
    """Fill the ``Value`` ``message`` with ``obj``; raise :class:`WireError` if it cannot travel."""
    if obj is None:
        message.null_value = pb.NULL_VALUE
    elif isinstance(obj, bool | np.bool_):
        message.bool_value = bool(obj)
    elif isinstance(obj, int | np.integer):
        value = int(obj)
        if not _INT64[0] <= value <= _INT64[1]:
            raise WireError(field, f"integer {value} does not fit in 64 bits")
        message.int_value = value
    elif isinstance(obj, float | np.floating):
        message.float_value = float(obj)
    elif isinstance(obj, str):
        message.string_value = obj
    elif isinstance(obj, np.ndarray):
        encode_array(obj, message.array, field)
    elif isinstance(obj, pd.Series | pd.DataFrame):
        encode_frame(obj, message.frame, field)
    elif isinstance(obj, DatasetArg):
        encode_dataset_arg(obj, message.dataset)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        encode_record(obj, message.record, field)
    elif isinstance(obj, list | tuple):
        target = message.list
        target.tuple = isinstance(obj, tuple)
        if not obj:
            target.SetInParent()
        for i, item in enumerate(obj):
            encode_value(item, target.items.add(), f"{field}[{i}]")
    elif isinstance(obj, dict):
        target = message.map
        target.SetInParent()
        for key, item in obj.items():
            if not isinstance(key, str):
                raise WireError(field, f"dict keys must be str, got {type(key).__name__} {key!r}")
            entry = target.entries.add()
            entry.name = key
            encode_value(item, entry.value, f"{field}.{key}")
    elif isinstance(obj, pd.Index):
        encode_array(_index_array(obj, field)[0], message.array, field)
    elif (converted := _wire_form(obj)) is not None:
        encode_value(converted, message, field)
    else:
        raise WireError(field, f"values of type {type(obj).__name__} cannot be sent over gRPC")


def _wire_form(obj: Any) -> Any:
    """The dataclass that stands for a stateful analytics object, or None.

    An :class:`lab.analytics.orderbook.OrderBook` travels as its full
    :class:`~lab.analytics.orderbook.BookSnapshot` (``book.snapshot()``), which is exactly how
    the analytics read a book.
    """
    from lab.analytics.orderbook import OrderBook

    if isinstance(obj, OrderBook):
        return obj.snapshot()
    return None


def encode_dataset_arg(arg: DatasetArg, message: pb.DatasetColumns) -> None:
    """Fill ``message`` with a reference to an uploaded dataset."""
    message.ref = arg.ref
    message.columns[:] = list(arg.columns)
    message.column_indices[:] = list(arg.column_indices)
    message.squeeze = arg.squeeze


DatasetResolver = Callable[[pb.DatasetColumns, str], Any]


def decode_value(
    message: pb.Value,
    field: str = "value",
    *,
    optional: bool = False,
    allow_empty: bool = True,
    resolve_dataset: DatasetResolver | None = None,
    record_modules: Sequence[str] = CLIENT_RECORD_MODULES,
) -> Any:
    """Rebuild the Python value carried by ``message``.

    Parameters
    ----------
    optional : bool
        Treat an unset Value as ``None`` (otherwise it is an error).
    allow_empty : bool
        Accept an array, Series or DataFrame with no elements at this level (servers reject
        empty arguments; arrays nested in records, lists and dicts may be empty).
    resolve_dataset : callable, optional
        ``(DatasetColumns, field) -> object``; without it a dataset ref is an error.
    record_modules : sequence of str
        Module prefixes whose dataclasses may be rebuilt.
    """
    kind = message.WhichOneof("kind")

    def again(child: pb.Value, path: str) -> Any:
        # the empty-array rule is for arguments themselves: inside a record, list or dict an
        # empty array can be meaningful (e.g. an order-book side with no levels)
        return decode_value(
            child,
            path,
            allow_empty=True,
            resolve_dataset=resolve_dataset,
            record_modules=record_modules,
        )

    if kind is None:
        if optional:
            return None
        raise WireError(field, "value is not set")
    if kind == "null_value":
        return None
    if kind in ("bool_value", "int_value", "string_value"):
        return getattr(message, kind)
    if kind == "float_value":
        return message.float_value
    if kind == "array":
        return decode_array(message.array, field, allow_empty=allow_empty)
    if kind == "frame":
        return decode_frame(message.frame, field, allow_empty=allow_empty)
    if kind == "record":
        cls = resolve_record_type(message.record.type, field, record_modules)
        names = _init_fields(cls)
        values: dict[str, Any] = {}
        for entry in message.record.fields:
            path = f"{field}.{entry.name}"
            if entry.name not in names:
                raise WireError(path, f"{cls.__name__} has no field {entry.name!r}")
            if entry.name in values:
                raise WireError(path, "field given twice")
            values[entry.name] = again(entry.value, path)
        try:
            return cls(**values)
        except TypeError as exc:
            raise WireError(field, f"cannot build {cls.__name__}: {exc}") from None
    if kind == "list":
        items = [again(item, f"{field}[{i}]") for i, item in enumerate(message.list.items)]
        return tuple(items) if message.list.tuple else items
    if kind == "map":
        out: dict[str, Any] = {}
        for entry in message.map.entries:
            if entry.name in out:
                raise WireError(f"{field}.{entry.name}", "key given twice")
            out[entry.name] = again(entry.value, f"{field}.{entry.name}")
        return out
    if kind == "dataset":
        if resolve_dataset is None:
            raise WireError(field, "dataset refs are only accepted in requests to a server")
        return resolve_dataset(message.dataset, field)
    raise WireError(field, f"unsupported value kind {kind!r}")  # pragma: no cover - new kinds


# ---------------------------------------------------------------------------------------------
# requests


def encode_request(function: str, bound: inspect.BoundArguments, message: Any) -> None:
    """Fill a typed request ``message`` with the explicitly passed arguments of ``bound``."""
    params = bound.signature.parameters
    for name, value in bound.arguments.items():
        kind = params[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            for key, item in value.items():
                entry = getattr(message, name).add()
                entry.name = key
                encode_value(item, entry.value, key)
        elif kind is inspect.Parameter.VAR_POSITIONAL:
            for i, item in enumerate(value):
                encode_value(item, getattr(message, name).add(), f"{name}[{i}]")
        else:
            encode_value(value, getattr(message, name), name)


def decode_request(
    signature: inspect.Signature,
    present: Callable[[str], bool],
    get: Callable[[str], Any],
    decode: Callable[[Any, str], Any],
) -> tuple[list[Any], dict[str, Any]]:
    """Positional and keyword arguments of a call, read field by field.

    Parameters
    ----------
    signature : inspect.Signature
        Signature of the analytics function.
    present : callable
        ``name -> bool``: whether the request sets the parameter ``name``.
    get : callable
        ``name -> field``: the ``Value`` (or repeated field) of parameter ``name``.
    decode : callable
        ``(Value, path) -> object``.
    """
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for name, param in signature.parameters.items():
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            for entry in get(name):
                if entry.name in kwargs or entry.name in signature.parameters:
                    raise WireError(f"{name}.{entry.name}", "keyword given twice")
                kwargs[entry.name] = decode(entry.value, entry.name)
            continue
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            args.extend(decode(item, f"{name}[{i}]") for i, item in enumerate(get(name)))
            continue
        if not present(name):
            if param.default is inspect.Parameter.empty:
                raise WireError(name, "required parameter is missing")
            if param.kind is inspect.Parameter.POSITIONAL_ONLY:
                args.append(param.default)
            continue
        value = decode(get(name), name)
        if param.kind is inspect.Parameter.POSITIONAL_ONLY:
            args.append(value)
        else:
            kwargs[name] = value
    return args, kwargs


# ---------------------------------------------------------------------------------------------
# datasets


def dataset_payload(obj: Any, field: str = "dataset") -> tuple[pb.DatasetHeader, np.ndarray]:
    """Header and C-contiguous little-endian values of an ndarray, Series or DataFrame."""
    header = pb.DatasetHeader()
    if isinstance(obj, pd.Series | pd.DataFrame):
        encode_frame_meta(obj, header.frame, field)
        if isinstance(obj, pd.DataFrame):
            kinds = {str(dtype) for dtype in obj.dtypes}
            if len(kinds) > 1:
                raise WireError(
                    field,
                    f"a dataset DataFrame needs one dtype for all columns, got {sorted(kinds)}",
                )
            values = obj.to_numpy()
        else:
            values = _column_array(obj.array, field)
    else:
        values = np.asarray(obj)
    values = _wire_array(values, field)
    if values.size == 0:
        raise WireError(field, f"empty array (shape {list(values.shape)})")
    header.dtype = dtype_text(values.dtype)
    header.shape[:] = values.shape
    return header, values


def header_bytes(header: pb.DatasetHeader) -> bytes:
    """Deterministic serialisation of a dataset header (the first input of the content hash)."""
    return header.SerializeToString(deterministic=True)


def dataset_hasher(header: pb.DatasetHeader) -> Any:
    """A SHA-256 object primed with the header; feed it the data bytes, then :func:`ref_of`."""
    head = header_bytes(header)
    hasher = hashlib.sha256()
    hasher.update(len(head).to_bytes(8, "little"))
    hasher.update(head)
    return hasher


def ref_of(hasher: Any) -> str:
    """The ref string of a finished :func:`dataset_hasher`."""
    return "sha256:" + hasher.hexdigest()


def dataset_ref(header: pb.DatasetHeader, data: bytes | memoryview | Iterable[bytes]) -> str:
    """Content-addressed ref of a dataset: SHA-256 of (header length, header, data bytes)."""
    hasher = dataset_hasher(header)
    if isinstance(data, bytes | bytearray | memoryview):
        hasher.update(data)
    else:
        for chunk in data:
            hasher.update(chunk)
    return ref_of(hasher)


def array_bytes(values: np.ndarray) -> memoryview:
    """Zero-copy byte view of a C-contiguous array (any dtype, including datetime64)."""
    return memoryview(_c_order(values).reshape(-1).view(np.uint8))
