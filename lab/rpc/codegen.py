"""Regenerate the wire contract and its Python stubs: ``python -m lab.rpc.codegen``.

The command does two things, in order:

1. It rewrites the ``@@generated`` blocks of ``proto/arblab/v1/analytics.proto`` from
   :data:`lab.analytics.registry.REGISTRY`:

   * one RPC per analytic, named in CamelCase (``backtest_pairs`` -> ``BacktestPairs``), plus
     a server-streaming ``<Name>Stream`` for each of :data:`STREAMING`;
   * one request message per analytic with a ``Value`` field per parameter, named like the
     parameter and numbered in signature order (a ``**kwargs`` parameter becomes a
     ``repeated NamedValue`` field);
   * one response message per analytic, ``{result, engine, server_seconds}``, whose
     ``result`` is typed from :attr:`~lab.analytics.registry.Analytic.result`, and the
     ``StreamEvent`` of the streams (progress, or the typed response);
   * one message per result dataclass reachable from a result type, and per argument
     dataclass (:data:`lab.rpc.schema.PARAMETER_TYPES`, also members of ``Value``), with a
     field per dataclass field typed from its annotation (:mod:`lab.rpc.schema` holds the
     mapping) and documented from the class docstring. An annotation with no protobuf form
     makes the command fail naming the class and the field.

   Everything outside the markers is hand-written.
2. It runs ``grpc_tools.protoc`` (grpcio-tools, pinned to the grpcio runtime version) to write
   ``analytics_pb2.py``, ``analytics_pb2.pyi`` and ``analytics_pb2_grpc.py`` into
   ``lab/rpc/_gen/``, and rewrites the one absolute import protoc emits
   (``from arblab.v1 import analytics_pb2``) so the stubs import as ``lab.rpc._gen``.

``python -m lab.rpc.codegen --check`` writes nothing and exits with status 1 when the committed
.proto or stubs differ from what the command would produce (the test suite runs the same
check). ``--out DIR`` writes the .proto and stubs under ``DIR`` instead of the source tree.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
import tempfile
import textwrap
from pathlib import Path

from lab.rpc import schema

ROOT = Path(__file__).resolve().parents[2]
PROTO_RELATIVE = Path("arblab") / "v1" / "analytics.proto"
PROTO_PATH = ROOT / "proto" / PROTO_RELATIVE
GEN_DIR = Path(__file__).resolve().parent / "_gen"
GENERATED_FILES = ("analytics_pb2.py", "analytics_pb2.pyi", "analytics_pb2_grpc.py")

_RPC_BLOCK = (
    "  // @@generated rpcs begin (python -m lab.rpc.codegen)",
    "  // @@generated rpcs end",
)
_VALUE_BLOCK = (
    "    // @@generated argument members begin (python -m lab.rpc.codegen)",
    "    // @@generated argument members end",
)
_MSG_BLOCK = (
    "// @@generated messages begin (python -m lab.rpc.codegen)",
    "// @@generated messages end",
)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FIRST_VALUE_MEMBER = 12
"""Field number of the first argument-dataclass member of ``Value`` (1-11 are hand-written)."""
_WIDTH = 100

STREAMING: tuple[str, ...] = ("pair_scan", "sweep")
"""Analytics with a server-streaming ``<Name>Stream`` RPC that reports progress per chunk."""


def rpc_name(function: str) -> str:
    """CamelCase RPC name of an analytics function (``backtest_pairs`` -> ``BacktestPairs``)."""
    return "".join(part[:1].upper() + part[1:] for part in function.split("_") if part)


def request_name(function: str) -> str:
    """Name of the request message of an analytics function."""
    return rpc_name(function) + "Request"


def response_name(function: str) -> str:
    """Name of the response message of an analytics function."""
    return rpc_name(function) + "Response"


def _describe_default(param: inspect.Parameter) -> str:
    if param.kind is inspect.Parameter.VAR_KEYWORD:
        return "  // further keyword arguments, by name"
    if param.kind is inspect.Parameter.VAR_POSITIONAL:
        return "  // further positional arguments, in order"
    if param.default is inspect.Parameter.empty:
        return "  // required"
    text = repr(param.default).replace("\n", " ")
    if len(text) > 60:
        text = text[:57] + "..."
    return f"  // default {text}"


def _comment(text: str, indent: str) -> list[str]:
    if not text:
        return []
    width = max(40, _WIDTH - len(indent) - 3)
    return [f"{indent}// {line}" for line in textwrap.wrap(text, width)]


def _field_lines(f: schema.Field, indent: str = "  ") -> list[str]:
    lines = _comment(f.doc or f.annotation, indent)
    if len(f.kinds) > 1:
        lines.append(f"{indent}oneof {f.name} {{")
        for number, kind in enumerate(f.kinds, start=f.number):
            lines.append(f"{indent}  {kind.proto} {f.member(kind)} = {number};")
        lines.append(f"{indent}}}")
        return lines
    kind = f.kinds[0]
    if kind.repeated is not None:
        label = "repeated "
    elif f.optional and kind.tag == "scalar":
        label = "optional "
    else:
        label = ""
    lines.append(f"{indent}{label}{kind.proto} {f.name} = {f.number};")
    return lines


def _dataclass_message(spec: schema.MessageSpec) -> str:
    cls = spec.cls
    lines = _comment(f"{cls.__module__}.{cls.__qualname__}: {spec.doc}", "")
    lines.append(f"message {spec.name} {{")
    for f in spec.fields:
        lines.extend(_field_lines(f))
    lines.append("}")
    return "\n".join(lines)


def _entry_message(kind: schema.Kind) -> str:
    value = kind.value
    label = "repeated " if value.repeated else ""
    return "\n".join(
        [
            f"// One entry of a dict[str, ...] of {value.proto} (entries keep the dict's order).",
            f"message {kind.proto} {{",
            "  string key = 1;",
            f"  {label}{value.proto} value = 2;",
            "}",
        ]
    )


def _request_message(function: str, sig: inspect.Signature) -> str:
    lines = [f"// lab.analytics.{function}{sig}", f"message {request_name(function)} {{"]
    for number, param in enumerate(sig.parameters.values(), start=1):
        if not _IDENTIFIER.match(param.name):
            raise ValueError(f"{function}: parameter {param.name!r} is not a proto identifier")
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            field = f"  repeated NamedValue {param.name} = {number};"
        elif param.kind is inspect.Parameter.VAR_POSITIONAL:
            field = f"  repeated Value {param.name} = {number};"
        else:
            field = f"  Value {param.name} = {number};"
        lines.append(field + _describe_default(param))
    lines.append("}")
    return "\n".join(lines)


def _response_message(function: str) -> str:
    result = schema.result_field(function)
    engine = result.number + len(result.kinds)  # after the result (a union takes several)
    lines = [
        f"// The answer of {rpc_name(function)}: lab.analytics.{function} -> {result.annotation}",
        f"message {response_name(function)} {{",
        *_field_lines(result),
        f'  string engine = {engine};  // the engine that computed it ("native")',
        f"  double server_seconds = {engine + 1};  // wall time in the analytics on the server",
        "}",
    ]
    return "\n".join(lines)


def _stream_event() -> str:
    lines = [
        "// One message of a stream: progress, then exactly one typed response.",
        "message StreamEvent {",
        "  oneof event {",
        "    Progress progress = 1;",
    ]
    for number, function in enumerate(STREAMING, start=2):
        lines.append(f"    {response_name(function)} {function} = {number};")
    lines += ["  }", "}"]
    return "\n".join(lines)


def render_blocks() -> tuple[str, str, str]:
    """The generated RPC lines, ``Value`` members and messages for every analytic."""
    from lab.analytics import registry

    rpcs: list[str] = []
    out: list[str] = []
    roots: list[type] = []
    for function, analytic in registry.REGISTRY.items():
        name = rpc_name(function)
        rpcs.append(f"  rpc {name}({request_name(function)}) returns ({response_name(function)});")
        out.append(_request_message(function, analytic.signature))
        out.append(_response_message(function))
        roots.extend(k.py for k in schema.result_field(function).kinds if k.tag == "message")
    for function in STREAMING:
        name = rpc_name(function)
        rpcs.append(f"  rpc {name}Stream({request_name(function)}) returns (stream StreamEvent);")
    out.append(_stream_event())
    specs, entries = schema.closure((*roots, *schema.PARAMETER_TYPES))
    out.extend(_dataclass_message(spec) for spec in specs)
    out.extend(_entry_message(kind) for kind in entries)
    members = [
        f"    {cls.__name__} {schema.parameter_member(cls)} = {number};"
        for number, cls in enumerate(schema.PARAMETER_TYPES, start=_FIRST_VALUE_MEMBER)
    ]
    return "\n".join(rpcs), "\n".join(members), "\n\n".join(out)


def _replace_block(text: str, markers: tuple[str, str], body: str) -> str:
    begin, end = markers
    start = text.find(begin)
    stop = text.find(end)
    if start < 0 or stop < start:
        raise ValueError(
            f"{PROTO_PATH}: marker lines {begin.strip()!r} / {end.strip()!r} not found"
        )
    inner = "\n" + body + "\n" if body else "\n"
    return text[: start + len(begin)] + inner + text[stop:]


def render_proto(template: str | None = None) -> str:
    """The full .proto text: ``template`` (default: the committed file) with fresh blocks."""
    text = PROTO_PATH.read_text() if template is None else template
    rpcs, members, body = render_blocks()
    text = _replace_block(text, _RPC_BLOCK, rpcs)
    text = _replace_block(text, _VALUE_BLOCK, members)
    return _replace_block(text, _MSG_BLOCK, body)


def _fix_imports(source: str) -> str:
    return source.replace(
        "from arblab.v1 import analytics_pb2 as", "from lab.rpc._gen import analytics_pb2 as"
    )


def generate(proto_root: Path, out_dir: Path) -> dict[str, str]:
    """Run protoc on ``proto_root/arblab/v1/analytics.proto`` and write the stubs to ``out_dir``.

    Returns the generated files' text by file name.
    """
    from grpc_tools import protoc

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        include = Path(protoc.__file__).resolve().parent / "_proto"
        argv = [
            "grpc_tools.protoc",
            f"-I{proto_root}",
            f"-I{include}",
            f"--python_out={tmp}",
            f"--pyi_out={tmp}",
            f"--grpc_python_out={tmp}",
            str(PROTO_RELATIVE),
        ]
        status = protoc.main(argv)
        if status != 0:
            raise RuntimeError(
                f"protoc failed with status {status} on {proto_root / PROTO_RELATIVE}"
            )
        produced = Path(tmp) / "arblab" / "v1"
        files = {name: _fix_imports((produced / name).read_text()) for name in GENERATED_FILES}
    for name, text in files.items():
        (out_dir / name).write_text(text)
    init = out_dir / "__init__.py"
    if not init.exists():
        init.write_text('"""Generated gRPC stubs (python -m lab.rpc.codegen); do not edit."""\n')
    return files


def stale_files() -> list[str]:
    """Files (proto and stubs) whose committed text differs from a fresh generation."""
    stale: list[str] = []
    proto_text = render_proto()
    if PROTO_PATH.read_text() != proto_text:
        stale.append(str(PROTO_PATH.relative_to(ROOT)))
    with tempfile.TemporaryDirectory() as tmp:
        proto_root = Path(tmp) / "proto"
        (proto_root / PROTO_RELATIVE).parent.mkdir(parents=True)
        (proto_root / PROTO_RELATIVE).write_text(proto_text)
        fresh = generate(proto_root, Path(tmp) / "gen")
    for name, text in fresh.items():
        path = GEN_DIR / name
        if not path.exists() or path.read_text() != text:
            stale.append(str(path.relative_to(ROOT)))
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lab.rpc.codegen", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--check", action="store_true", help="only report out-of-date files")
    parser.add_argument("--out", type=Path, help="write proto/ and stubs under this directory")
    args = parser.parse_args(argv)
    try:
        render_blocks()
    except schema.SchemaError as exc:
        print(f"cannot generate the wire contract: {exc}", file=sys.stderr)
        return 2
    if args.check:
        stale = stale_files()
        if stale:
            print("out of date (run python -m lab.rpc.codegen): " + ", ".join(stale))
            return 1
        print("proto and stubs are up to date")
        return 0
    text = render_proto()
    if args.out is None:
        PROTO_PATH.write_text(text)
        generate(PROTO_PATH.parents[2], GEN_DIR)
        print(f"wrote {PROTO_PATH.relative_to(ROOT)} and {', '.join(GENERATED_FILES)} in {GEN_DIR}")
    else:
        proto_root = args.out / "proto"
        (proto_root / PROTO_RELATIVE).parent.mkdir(parents=True, exist_ok=True)
        (proto_root / PROTO_RELATIVE).write_text(text)
        generate(proto_root, args.out / "gen")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
