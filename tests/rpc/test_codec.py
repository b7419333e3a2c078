"""lab.rpc.codec: every value the analytics take or return survives the wire exactly, and every
malformed payload is rejected with a message naming the field."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from lab.analytics.backtest import PairParams
from lab.analytics.orderbook import BookSnapshot, OrderBook
from lab.rpc import codec
from lab.rpc._gen import analytics_pb2 as pb


def roundtrip(obj, **kw):
    message = pb.Value()
    codec.encode_value(obj, message)
    wire = pb.Value.FromString(message.SerializeToString())
    return codec.decode_value(wire, **kw)


@pytest.mark.parametrize(
    "array",
    [
        np.arange(12, dtype=np.float64).reshape(3, 4),
        np.arange(6, dtype=np.float32),
        np.arange(6, dtype=np.int64).reshape(2, 3),
        np.arange(6, dtype=np.int32),
        np.arange(6, dtype=np.uint8),
        np.array([True, False, True]),
        np.array([1 + 2j, 3 - 4j]),
        np.array(["2020-01-02", "2021-03-04"], dtype="datetime64[ns]"),
        np.array([1, 2], dtype="timedelta64[s]"),
        np.array(["KO", "PEP", "XOM"]),
        np.array(3.5),
        np.asfortranarray(np.arange(12.0).reshape(3, 4)),
        np.arange(20.0)[::3],
    ],
    ids=lambda a: f"{a.dtype}-{a.shape}",
)
def test_arrays_roundtrip_bit_exact(array):
    back = roundtrip(array)
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)
    assert back.flags.writeable and back.flags.c_contiguous


def test_arrays_travel_little_endian_and_object_strings_become_unicode():
    big = np.arange(5, dtype=">f8")
    message = pb.Value()
    codec.encode_value(big, message)
    assert message.array.dtype == "<f8"
    assert message.array.data == np.arange(5, dtype="<f8").tobytes()
    np.testing.assert_array_equal(codec.decode_value(message), big)
    names = roundtrip(np.array(["a", "bc"], dtype=object))
    assert names.dtype.kind == "U" and names.tolist() == ["a", "bc"]


def test_structured_arrays_roundtrip():
    events = np.zeros(4, dtype=[("seq", ">i8"), ("price", "<f8"), ("side", "i1")])
    events["seq"] = [5, 6, 7, 8]
    events["price"] = [1.5, 2.5, 3.5, 4.5]
    back = roundtrip(events)
    assert back.dtype.names == ("seq", "price", "side")
    for name in back.dtype.names:
        np.testing.assert_array_equal(back[name], events[name])


def test_nan_and_inf_in_arrays_and_floats_are_kept():
    back = roundtrip({"a": np.array([np.nan, np.inf, -np.inf]), "b": float("nan")})
    assert np.isnan(back["a"][0]) and np.isposinf(back["a"][1]) and np.isneginf(back["a"][2])
    assert np.isnan(back["b"])


def test_scalars_lists_tuples_dicts_and_none():
    value = {
        "none": None,
        "flag": np.bool_(True),
        "count": np.int64(-7),
        "big": 2**62,
        "x": np.float32(0.25),
        "name": "mean_variance",
        "list": [1, 2.5, "c"],
        "tuple": ("KO", "PEP"),
        "empty": [],
        "nested": {"grid": {"lookback": [20, 40], "entry_z": (1.5, 2.0)}},
    }
    back = roundtrip(value)
    assert back == {
        "none": None,
        "flag": True,
        "count": -7,
        "big": 2**62,
        "x": 0.25,
        "name": "mean_variance",
        "list": [1, 2.5, "c"],
        "tuple": ("KO", "PEP"),
        "empty": [],
        "nested": {"grid": {"lookback": [20, 40], "entry_z": (1.5, 2.0)}},
    }
    assert (
        type(back["flag"]) is bool and type(back["count"]) is int and type(back["tuple"]) is tuple
    )
    assert list(back) == list(value)  # dict order is kept


def test_series_and_frames_keep_index_labels_and_names():
    idx = pd.date_range("2020-01-01", periods=5, freq="D", name="date")
    s = pd.Series(np.arange(5.0), index=idx, name="KO")
    back = roundtrip(s)
    pd.testing.assert_series_equal(back, s, check_freq=False)

    tz = pd.Series([1.0, 2.0], index=pd.date_range("2020-01-01", periods=2, tz="America/New_York"))
    pd.testing.assert_series_equal(roundtrip(tz), tz, check_freq=False)

    frame = pd.DataFrame(
        np.arange(10.0).reshape(5, 2), index=idx, columns=pd.Index(["KO", "PEP"], name="symbol")
    )
    pd.testing.assert_frame_equal(roundtrip(frame), frame, check_freq=False)

    mixed = pd.DataFrame({"seq": np.arange(3), "price": [1.0, 2.0, 3.0], "side": ["b", "a", "b"]})
    back = roundtrip(mixed)
    pd.testing.assert_frame_equal(back, mixed, check_dtype=False)
    assert back["seq"].dtype == np.int64 and back["price"].dtype == np.float64
    assert isinstance(back.index, pd.RangeIndex)


def test_dataclasses_are_rebuilt_as_the_same_class():
    params = PairParams(lookback=30, entry_z=1.5, exit_z=0.25, stop_z=4.0, cost_bps=2.0)
    back = roundtrip(params)
    assert type(back) is PairParams and back == params

    snap = BookSnapshot(
        7, np.array([99.0]), np.array([5.0]), np.array([], dtype=float), np.array([], dtype=float)
    )
    back = roundtrip(snap)
    assert type(back) is BookSnapshot and back.seq == 7 and back.ask_price.size == 0


def test_order_book_travels_as_its_snapshot():
    book = OrderBook.from_snapshot(BookSnapshot(3, [100.0, 99.5], [1.0, 2.0], [101.0], [4.0]))
    back = roundtrip(book)
    expected = book.snapshot()
    assert type(back) is BookSnapshot and back.seq == expected.seq
    np.testing.assert_array_equal(back.bid_price, expected.bid_price)
    np.testing.assert_array_equal(back.ask_qty, expected.ask_qty)


def test_values_that_cannot_travel_name_the_field():
    with pytest.raises(codec.WireError, match=r"field 'value.bad': values of type object"):
        codec.encode_value({"bad": object()}, pb.Value())
    with pytest.raises(codec.WireError, match="dict keys must be str"):
        codec.encode_value({1: 2.0}, pb.Value())
    with pytest.raises(codec.WireError, match="does not fit in 64 bits"):
        codec.encode_value(2**70, pb.Value())
    with pytest.raises(codec.WireError, match="object arrays"):
        codec.encode_value(np.array([1, "a", None], dtype=object), pb.Value())


def _array_value(dtype="<f8", shape=(3,), data=None):
    message = pb.Value()
    message.array.dtype = dtype
    message.array.shape[:] = list(shape)
    message.array.data = np.arange(3, dtype="<f8").tobytes() if data is None else data
    return message


@pytest.mark.parametrize(
    ("message", "pattern"),
    [
        (_array_value(dtype="nonsense"), r"field 'x.dtype': unknown dtype 'nonsense'"),
        (_array_value(dtype="|O"), r"field 'x.dtype': unsupported dtype '\|O'"),
        (_array_value(dtype="|S3"), r"field 'x.dtype': unsupported dtype"),
        (_array_value(dtype=">f8"), r"field 'x.dtype': .*big-endian"),
        (_array_value(dtype="<M8"), r"field 'x.dtype': .*no time unit"),
        (_array_value(dtype="[('a', '|O')]"), r"field 'x.a.dtype': unsupported dtype"),
        (_array_value(dtype="[('a', 'f8'"), r"field 'x.dtype': bad structured dtype"),
        (
            _array_value(shape=(4,)),
            r"field 'x': shape \[4\] of dtype <f8 needs 32 bytes, data has 24",
        ),
        (_array_value(shape=(2, 2)), r"needs 32 bytes, data has 24"),
        (_array_value(shape=(-1, -3)), r"field 'x.shape': negative dimension"),
        (_array_value(shape=(0,), data=b""), r"field 'x': empty array"),
        (pb.Value(), r"field 'x': value is not set"),
    ],
)
def test_malformed_arrays_are_rejected_naming_the_field(message, pattern):
    with pytest.raises(codec.WireError, match=pattern):
        codec.decode_value(message, "x", allow_empty=False)


def test_empty_arrays_are_allowed_inside_records_and_for_results():
    snap = BookSnapshot(
        1, np.array([], dtype=float), np.array([], dtype=float), np.array([1.0]), np.array([2.0])
    )
    message = pb.Value()
    codec.encode_value(snap, message)
    assert codec.decode_value(message, "book", allow_empty=False).bid_price.size == 0
    assert codec.decode_value(_array_value(shape=(0,), data=b""), allow_empty=True).shape == (0,)


def test_only_the_argument_dataclasses_travel_in_a_value():
    from lab.analytics.cointegration import ADFResult

    result = ADFResult(1.0, 0.5, 1, 10, np.zeros(3), 0.0, 2)
    with pytest.raises(codec.WireError, match="a ADFResult cannot be sent; dataclass arguments"):
        codec.encode_value(result, pb.Value())
    message = pb.Value()
    codec.encode_value(PairParams(lookback=30), message)
    assert message.WhichOneof("kind") == "pair_params" and message.pair_params.lookback == 30


def test_dataclass_validation_errors_surface_as_value_errors():
    message = pb.Value()
    codec.encode_value(PairParams(), message)
    message.pair_params.entry_z = -1.0
    with pytest.raises(ValueError, match="entry_z"):
        codec.decode_value(message, "params")


def test_dataset_ref_is_a_content_hash_of_values_and_labels():
    frame = pd.DataFrame(np.arange(8.0).reshape(4, 2), columns=["KO", "PEP"])
    header, values = codec.dataset_payload(frame)
    ref = codec.dataset_ref(header, codec.array_bytes(values))
    assert ref.startswith("sha256:") and len(ref) == len("sha256:") + 64
    again = codec.dataset_ref(*_payload_bytes(frame.copy()))
    assert again == ref
    assert codec.dataset_ref(*_payload_bytes(frame.rename(columns={"KO": "XOM"}))) != ref
    assert codec.dataset_ref(*_payload_bytes(frame.to_numpy())) != ref
    changed = frame.copy()
    changed.iloc[3, 1] = 7.5
    assert codec.dataset_ref(*_payload_bytes(changed)) != ref
    # streaming the bytes in chunks gives the same ref
    assert (
        codec.dataset_ref(
            header, [bytes(codec.array_bytes(values))[:5], bytes(codec.array_bytes(values))[5:]]
        )
        == ref
    )


def _payload_bytes(obj):
    header, values = codec.dataset_payload(obj)
    return header, codec.array_bytes(values)


def test_dataset_payload_rejects_empty_and_mixed_frames():
    with pytest.raises(codec.WireError, match="empty array"):
        codec.dataset_payload(np.empty((0, 3)))
    with pytest.raises(codec.WireError, match="one dtype for all columns"):
        codec.dataset_payload(pd.DataFrame({"a": [1, 2], "b": [1.0, 2.0]}))


def test_request_encoding_sends_only_given_arguments():
    import inspect

    from lab import analytics

    sig = inspect.signature(analytics.adf)
    bound = sig.bind(np.arange(5.0), regression="ct")
    request = pb.AdfRequest()
    codec.encode_request("adf", bound, request)
    assert request.HasField("x") and request.HasField("regression")
    assert not request.HasField("maxlag") and not request.HasField("autolag")
    args, kwargs = codec.decode_request(
        sig,
        request.HasField,
        lambda name: getattr(request, name),
        lambda v, p: codec.decode_value(v, p),
    )
    assert args == [] and set(kwargs) == {"x", "regression"} and kwargs["regression"] == "ct"
    with pytest.raises(codec.WireError, match="field 'x': required parameter is missing"):
        codec.decode_request(sig, lambda name: False, lambda name: None, lambda v, p: v)


def test_frame_labels_must_match_values():
    frame = pd.DataFrame(np.ones((3, 2)), columns=["a", "b"])
    message = pb.Value()
    codec.encode_value(frame, message)
    del message.frame.columns[1]
    with pytest.raises(codec.WireError, match="2 column labels for 1 columns"):
        codec.decode_value(message, "prices")
    message = pb.Value()
    codec.encode_value(frame, message)
    message.frame.columns[1].CopyFrom(pb.NDArray(dtype="<f8", shape=[2], data=np.ones(2).tobytes()))
    with pytest.raises(codec.WireError, match="different lengths"):
        codec.decode_value(message, "prices")


def test_dataclasses_outside_the_contract_cannot_travel():
    @dataclasses.dataclass(frozen=True)
    class Local:
        a: int

    with pytest.raises(codec.WireError, match="a Local cannot be sent"):
        codec.encode_value(Local(1), pb.Value())
