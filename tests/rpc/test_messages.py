"""lab.rpc.messages and lab.rpc.schema: every registered result survives its typed response message exactly (same
class, values, dtypes, index), argument dataclasses travel typed with their defaults, and an
annotation with no protobuf form fails naming the class and the field."""

from __future__ import annotations

import dataclasses
import typing

import numpy as np
import pandas as pd
import pytest

from lab import analytics
from lab.analytics.backtest import PairParams
from lab.analytics.registry import REGISTRY
from lab.backends import native
from lab.rpc import codegen, messages, schema
from lab.rpc._gen import analytics_pb2 as pb
from tests.rpc.rpc_support import assert_identical


def _wire_roundtrip(function: str, value):
    response = getattr(pb, codegen.response_name(function))(engine="native")
    messages.encode_result(function, value, response)
    wire = type(response).FromString(response.SerializeToString())
    return messages.decode_result(function, wire)


@pytest.mark.parametrize("function", analytics.FUNCTIONS)
def test_every_registered_result_roundtrips_identically(function):
    args, kwargs = REGISTRY[function].example()
    want = getattr(native, function)(*args, **kwargs)
    got = _wire_roundtrip(function, want)
    assert_identical(got, want)


def test_results_are_typed_field_by_field():
    fields = pb.BacktestPairsResponse.DESCRIPTOR.fields_by_name
    assert fields["result"].message_type.name == "BacktestResult"
    result = pb.BacktestResult.DESCRIPTOR.fields_by_name
    assert result["equity"].message_type.name == "NDArray"
    assert result["n_train"].type == result["n_train"].TYPE_SINT64
    assert result["trades"].message_type.name == "Trades"
    metrics = pb.BacktestMetrics.DESCRIPTOR.fields_by_name["out_of_sample"]
    assert metrics.message_type.name == "DoubleEntry" and metrics.is_repeated
    scan = pb.PairScanResult.DESCRIPTOR.fields_by_name["symbols"]
    assert scan.type == scan.TYPE_STRING and scan.is_repeated
    sharpe = pb.SharpeSeResponse.DESCRIPTOR.fields_by_name["result"]
    assert sharpe.type == sharpe.TYPE_DOUBLE
    # a union (float or ndarray) is a oneof; the stream carries the typed responses
    cara = pb.CARAPosition.DESCRIPTOR.oneofs_by_name["position"]
    assert [f.name for f in cara.fields] == ["position_double", "position_array"]
    event = pb.StreamEvent.DESCRIPTOR.oneofs_by_name["event"]
    assert [f.message_type.name for f in event.fields] == [
        "Progress",
        "PairScanResponse",
        "SweepResponse",
    ]
    # no generic call, no type names resolved from the wire
    for gone in ("Record", "CallRequest", "Result"):
        assert gone not in pb.DESCRIPTOR.message_types_by_name
    assert "Call" not in pb.DESCRIPTOR.services_by_name["Analytics"].methods_by_name


def test_dict_order_and_scalar_or_array_unions_survive():
    y, x = REGISTRY["backtest_pairs"].example()[0][:2]
    result = native.backtest_pairs(y, x, PairParams(lookback=25))
    back = _wire_roundtrip("backtest_pairs", result)
    assert list(back.metrics.out_of_sample) == list(result.metrics.out_of_sample)
    scalar = native.cara_position(8.0, 0.0, 1.0, 0.25, 2.0, 0.5)
    array = native.cara_position(8.0, 0.0, 1.0, np.array([0.25, -0.5]), 2.0, 0.5)
    assert type(scalar.position) is float and isinstance(array.position, np.ndarray)
    assert_identical(_wire_roundtrip("cara_position", scalar), scalar)
    assert_identical(_wire_roundtrip("cara_position", array), array)


def test_argument_dataclasses_take_their_defaults_when_fields_are_absent():
    message = pb.PairParams(lookback=30, stop_z=3.5)
    back = messages.decode(PairParams, pb.PairParams.FromString(message.SerializeToString()), "p")
    assert back == PairParams(lookback=30, stop_z=3.5)
    assert messages.decode(PairParams, pb.PairParams(), "p") == PairParams()
    fields = pb.PairParams.DESCRIPTOR.fields_by_name
    assert fields["entry_z"].has_presence and fields["stop_z"].has_presence


def test_a_result_of_the_wrong_class_or_type_is_refused():
    with pytest.raises(messages.WireError, match="field 'result': expected ADFResult"):
        messages.encode_result("adf", PairParams(), pb.AdfResponse())
    result = native.adf(REGISTRY["adf"].example()[0][0])
    bad = dataclasses.replace(result, lags="three")
    with pytest.raises(messages.WireError, match="field 'result.lags': expected int, got str"):
        messages.encode_result("adf", bad, pb.AdfResponse())
    with pytest.raises(messages.WireError, match="field 'result.crit_values': required field"):
        messages.decode_result("adf", pb.AdfResponse(result=pb.ADFResult()))


@pytest.mark.parametrize(
    ("annotation", "problem"),
    [(typing.Any, "'Any' has no protobuf form"), (dict, "'dict' has no protobuf form")],
)
def test_an_annotation_without_a_protobuf_form_fails_naming_class_and_field(annotation, problem):
    Bad = dataclasses.make_dataclass("Bad", [("fine", float), ("loose", annotation)])
    with pytest.raises(schema.SchemaError, match=rf"Bad\.loose: annotation {problem}"):
        schema.spec(Bad)


def test_field_docs_become_proto_comments():
    text = codegen.PROTO_PATH.read_text()
    block = text[text.index("message BacktestResult {") :]
    block = block[: block.index("}")]
    assert "// ndarray: Account value at the close of each row" in block
    params = text[text.index("message PairParams {") :]
    assert "// int: Z-score (and rolling hedge) window, trading days." in params


def test_pandas_annotations_travel_as_frames():
    @dataclasses.dataclass(frozen=True)
    class Labelled:
        series: pd.Series
        frame: pd.DataFrame

    kinds = {f.name: f.kinds[0].proto for f in schema.spec(Labelled).fields}
    assert kinds == {"series": "Frame", "frame": "Frame"}


def _dataclasses_in(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield type(value)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _dataclasses_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _dataclasses_in(item)


def test_every_dataclass_argument_of_the_registry_examples_is_a_typed_value_member():
    seen = set()
    for analytic in REGISTRY.values():
        args, kwargs = analytic.example()
        seen.update(_dataclasses_in([*args, *kwargs.values()]))
    assert seen and seen <= set(schema.PARAMETER_TYPES), seen - set(schema.PARAMETER_TYPES)
    members = pb.Value.DESCRIPTOR.oneofs_by_name["kind"].fields
    typed = {f.message_type.name for f in members if f.message_type is not None}
    assert {cls.__name__ for cls in schema.PARAMETER_TYPES} <= typed
