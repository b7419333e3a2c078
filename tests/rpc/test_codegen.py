"""lab.rpc.codegen: the committed .proto and stubs are what the one command generates, and the
contract has a typed RPC for every analytics function."""

import inspect

from lab import analytics
from lab.rpc import codegen
from lab.rpc._gen import analytics_pb2 as pb


def test_committed_proto_and_stubs_are_fresh():
    stale = codegen.stale_files()
    assert stale == [], f"out of date: {stale}; run python -m lab.rpc.codegen"


def test_every_analytics_function_has_a_typed_rpc_with_one_field_per_parameter():
    service = pb.DESCRIPTOR.services_by_name["Analytics"]
    for function in analytics.FUNCTIONS:
        method = service.methods_by_name[codegen.rpc_name(function)]
        assert method.input_type.name == codegen.request_name(function)
        assert method.output_type.name == codegen.response_name(function)
        assert [f.name for f in method.output_type.fields] == ["result", "engine", "server_seconds"]
        params = list(inspect.signature(getattr(analytics, function)).parameters)
        fields = [f.name for f in sorted(method.input_type.fields, key=lambda f: f.number)]
        assert fields == params, function


def test_streaming_variants_and_dataset_rpcs_exist():
    service = pb.DESCRIPTOR.services_by_name["Analytics"]
    for name in ("PairScanStream", "SweepStream"):
        assert service.methods_by_name[name].server_streaming
        assert service.methods_by_name[name].output_type.name == "StreamEvent"
    put = service.methods_by_name["PutDataset"]
    assert put.client_streaming and not put.server_streaming
    assert put.output_type.name == "DatasetRef"
    assert not service.methods_by_name["PutDatasetUnary"].client_streaming
    assert pb.DESCRIPTOR.package == "arblab.v1"
    ndarray = pb.NDArray.DESCRIPTOR.fields_by_name
    assert ndarray["data"].type == ndarray["data"].TYPE_BYTES  # never repeated double


def test_rpc_names_are_camel_case():
    assert codegen.rpc_name("backtest_pairs") == "BacktestPairs"
    assert codegen.rpc_name("pca") == "Pca"
    assert codegen.request_name("ou_fit") == "OuFitRequest"


def test_generation_rewrites_only_the_marked_blocks():
    template = codegen.PROTO_PATH.read_text()
    rendered = codegen.render_proto(template)
    for marker in ("@@generated rpcs begin", "@@generated rpcs end", "@@generated messages end"):
        assert marker in rendered
    head = template.split("// @@generated rpcs begin")[0]
    assert rendered.startswith(head)
    broken = template.replace("// @@generated messages end", "")
    try:
        codegen.render_proto(broken)
    except ValueError as exc:
        assert "marker" in str(exc)
    else:
        raise AssertionError("a template without markers must be refused")


def test_gencode_is_not_newer_than_the_protobuf_runtime_and_tools_match_grpc():
    import re

    import google.protobuf
    import grpc
    from grpc_tools import grpc_version

    text = (codegen.GEN_DIR / "analytics_pb2.py").read_text()
    gencode = tuple(
        int(v) for v in re.search(r"Protobuf Python Version: (\d+)\.(\d+)\.(\d+)", text).groups()
    )
    runtime = tuple(int(v) for v in google.protobuf.__version__.split(".")[:3])
    assert gencode[0] == runtime[0] and gencode <= runtime
    assert grpc_version.VERSION == grpc.__version__


def test_an_annotation_without_a_protobuf_form_fails_the_command(monkeypatch, capsys):
    import dataclasses
    from typing import Any

    from lab.rpc import schema

    Loose = dataclasses.make_dataclass("Loose", [("n", int), ("anything", Any)])
    monkeypatch.setattr(schema, "PARAMETER_TYPES", (*schema.PARAMETER_TYPES, Loose))
    assert codegen.main(["--check"]) == 2
    err = capsys.readouterr().err
    assert "cannot generate the wire contract" in err and "Loose.anything: annotation 'Any'" in err
