"""Request arguments and datasets on the wire of ``arblab.v1``.

Encoding rules (see ``proto/arblab/v1/analytics.proto``):

* An argument travels as a ``Value``: ``None``, ``bool``, ``int``, ``float``, ``str``, lists,
  tuples and dicts with string keys map to the corresponding kinds (NumPy scalars become
  Python scalars); arrays and pandas objects travel as ``NDArray`` / ``Frame``
  (:mod:`lab.rpc.arrays`); a dataclass argument is one of the typed members of ``Value``
  (:data:`lab.rpc.schema.PARAMETER_TYPES`, encoded by :mod:`lab.rpc.messages`), so the set of
  types a server builds is closed and no type name travels.
* A dataset uploaded with ``PutDataset`` is hashed into a content-addressed ref
  (:func:`dataset_ref`) and can stand in for an array argument (``DatasetColumns``).
* Results travel in typed response messages (:func:`lab.rpc.messages.encode_result`).

The array and frame functions of :mod:`lab.rpc.arrays` are re-exported here for the upload
path and the dataset cache. Decoding errors raise :class:`WireError`, a ``ValueError`` that
names the offending field.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from lab.rpc import messages, schema
from lab.rpc._gen import analytics_pb2 as pb
from lab.rpc.arrays import (  # noqa: F401  (re-exported: the upload path and the cache)
    FrameLabels,
    WireError,
    _c_order,
    _column_array,
    _index_array,
    _wire_array,
    check_labels,
    decode_array,
    decode_frame,
    decode_scalar,
    dtype_text,
    encode_array,
    encode_frame,
    encode_frame_meta,
    encode_scalar,
    expected_nbytes,
    frame_from_meta,
    frame_labels,
    wire_dtype,
    wrap,
)


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
# values


def encode_value(obj: Any, message: pb.Value, field: str = "value") -> None:
    """Fill the ``Value`` ``message`` with ``obj``; raise :class:`WireError` if it cannot travel."""
    if encode_scalar(obj, message, field):
        return
    if isinstance(obj, np.ndarray):
        encode_array(obj, message.array, field)
    elif isinstance(obj, pd.Series | pd.DataFrame):
        encode_frame(obj, message.frame, field)
    elif isinstance(obj, DatasetArg):
        encode_dataset_arg(obj, message.dataset)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        member = schema.parameter_member(type(obj))
        if member is None:
            known = ", ".join(c.__name__ for c in schema.PARAMETER_TYPES)
            raise WireError(
                field, f"a {type(obj).__name__} cannot be sent; dataclass arguments are {known}"
            )
        target = getattr(message, member)
        target.SetInParent()
        messages.encode(obj, target, field)
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
) -> Any:
    """Rebuild the Python value carried by ``message``.

    Parameters
    ----------
    optional : bool
        Treat an unset Value as ``None`` (otherwise it is an error).
    allow_empty : bool
        Accept an array, Series or DataFrame with no elements at this level (servers reject
        empty arguments; arrays nested in dataclasses, lists and dicts may be empty).
    resolve_dataset : callable, optional
        ``(DatasetColumns, field) -> object``; without it a dataset ref is an error.
    """
    kind = message.WhichOneof("kind")

    def again(child: pb.Value, path: str) -> Any:
        # the empty-array rule is for arguments themselves: inside a list or dict an empty
        # array can be meaningful (e.g. an order-book side with no levels)
        return decode_value(child, path, allow_empty=True, resolve_dataset=resolve_dataset)

    if kind is None or kind == "null_value" or kind.endswith("_value"):
        return decode_scalar(message, field, optional=optional)
    if kind == "array":
        return decode_array(message.array, field, allow_empty=allow_empty)
    if kind == "frame":
        return decode_frame(message.frame, field, allow_empty=allow_empty)
    if kind in schema.PARAMETER_MEMBERS:
        return messages.decode(schema.PARAMETER_MEMBERS[kind], getattr(message, kind), field)
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
