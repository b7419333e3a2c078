"""NumPy arrays and pandas objects on the wire of ``arblab.v1``, and the errors of decoding.

* NumPy arrays travel as ``NDArray``: NumPy's dtype string, the shape, and the raw bytes in
  little-endian C order (big-endian input is byte-swapped, object arrays of strings become
  fixed-width unicode). Decoded arrays are fresh, writable copies.
* pandas Series and DataFrames travel as ``Frame``: one ``NDArray`` per column plus the index,
  column labels and names (``FrameMeta``), so a result that keeps a date index arrives with it.
* Index and column names are scalars (None, bool, int, float, str) carried in a ``Value``
  (:func:`encode_scalar`, :func:`decode_scalar`; :mod:`lab.rpc.codec` builds the other kinds
  of ``Value`` on these).

Decoding errors raise :class:`WireError`, a ``ValueError`` that names the offending field.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # the stubs are imported by their users; codegen runs without them
    from lab.rpc._gen import analytics_pb2 as pb

_ALLOWED_KINDS = "biufcmMU"
_INT64 = (-(2**63), 2**63 - 1)


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
    _encode_label(obj.index.name, meta.index_name, f"{field}.index_name")
    if meta.series:
        _encode_label(obj.name, meta.name, f"{field}.name")
    else:
        labels, _ = _index_array(obj.columns, f"{field}.columns")
        encode_array(labels, meta.column_labels, f"{field}.columns")
        _encode_label(obj.columns.name, meta.columns_name, f"{field}.columns_name")


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
    index_name = decode_scalar(meta.index_name, f"{field}.index_name", optional=True)
    index = _rebuild_index(meta, field, index_name)
    if meta.series:
        return FrameLabels(
            True, index, None, decode_scalar(meta.name, f"{field}.name", optional=True)
        )
    labels = decode_array(meta.column_labels, f"{field}.columns", allow_empty=True)
    if labels.ndim != 1:
        raise WireError(
            f"{field}.columns", f"column labels must be 1-D, got shape {list(labels.shape)}"
        )
    columns_name = decode_scalar(meta.columns_name, f"{field}.columns_name", optional=True)
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
# scalars


def encode_scalar(obj: Any, message: pb.Value, field: str) -> bool:
    """Fill ``message`` with a None, bool, int, float or str (NumPy scalars become Python
    scalars); returns False, leaving ``message`` alone, for any other value."""
    if obj is None:
        message.null_value = 0  # NullValue.NULL_VALUE
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
    else:
        return False
    return True


_SCALAR_KINDS = ("bool_value", "int_value", "float_value", "string_value")


def decode_scalar(message: pb.Value, field: str, *, optional: bool = False) -> Any:
    """The None, bool, int, float or str carried by ``message`` (an unset Value is None when
    ``optional``); any other kind of Value is an error."""
    kind = message.WhichOneof("kind")
    if kind is None and optional or kind == "null_value":
        return None
    if kind in _SCALAR_KINDS:
        return getattr(message, kind)
    if kind is None:
        raise WireError(field, "value is not set")
    raise WireError(field, f"expected None, a bool, an int, a float or a str, got a {kind}")


def _encode_label(obj: Any, message: pb.Value, field: str) -> None:
    if not encode_scalar(obj, message, field):
        raise WireError(field, f"a name of type {type(obj).__name__} cannot be sent over gRPC")
