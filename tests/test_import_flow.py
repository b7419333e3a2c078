"""The import graph of ``lab`` and ``components``: no circles, and no import against the flow.

Dependencies flow one way (DESIGN.md, section 2)::

    data, threads, format -> analytics/kernels -> backends/rpc/feeds -> models/bench
        -> report/plots -> components -> cli

(``lab.models.benchmark`` runs the benchmark runner, so bench and models share a rank; the
bench imports no model.)

Every ``import`` and ``from ... import`` statement counts, at module level or inside a
function (a deferred import is still a dependency), except those under ``if TYPE_CHECKING:``.
An import of a package's own ancestors is not counted (importing ``lab.analytics.ou`` runs
``lab/analytics/__init__`` whatever the importer wants).

The tests read the graph:

* modules: no circle between modules;
* layers: no module imports a layer above its own, and no two packages import each other;
* direction: inside a layer, :data:`ONE_WAY` fixes which of two packages may import the other
  (``lab.backends`` builds on ``lab.rpc``: the grpc backend is the RPC client's user).

:data:`KNOWN` lists the edges that break these rules today, each with the issue that removes
it (empty since #13). The tests fail on any new one, and on a listed edge that no longer exists
(so the list only shrinks).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

LAYERS: dict[str, int] = {
    "lab": 0,
    "lab.data": 0,
    "lab.threads": 0,
    "lab.format": 0,
    "lab.analytics": 1,
    "lab.kernels": 1,
    "lab.testing": 2,
    "lab.backends": 2,
    "lab.rpc": 2,
    "lab.feeds": 2,
    "lab.models": 3,
    "lab.bench": 3,
    "lab.report": 4,
    "lab.plots": 4,
    "components": 5,
    "lab.cli": 6,
}
"""Rank of each top-level package: a module may import its own rank or below."""

GROUPS: dict[str, str] = {"lab.kernels": "lab.analytics"}
"""Packages that are one unit for the package-circle test: each analytics domain's native code
imports its kernels, and the kernels read their domain's constants (DESIGN.md: domain packages
hold reference and native code; the kernels stay in ``lab/kernels``)."""

ONE_WAY: tuple[tuple[str, str], ...] = (("lab.backends", "lab.rpc"),)
"""Packages of one rank whose dependency has a declared direction: ``(a, b)`` means ``a`` may
import ``b`` and ``b`` never imports ``a``. The grpc backend is the client side of the RPC
package (:mod:`lab.backends.grpc` on :mod:`lab.rpc.client`); the server runs the native engine
from :mod:`lab.analytics.native`, not from :mod:`lab.backends`."""

KNOWN: dict[tuple[str, str], str] = {}
"""Edges that break a rule today, and the issue that removes each (none since #13)."""


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted([*ROOT.glob("lab/**/*.py"), *ROOT.glob("components/**/*.py")]):
        if "_gen" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(id(n) for n in ast.walk(child))
    return skipped


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of ``known`` that module ``name`` (at ``path``) imports."""
    tree = ast.parse(path.read_text(), filename=str(path))
    skipped = _type_checking_nodes(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            subs = [f"{module}.{alias.name}" for alias in node.names]
            targets = [s for s in subs if s in known]
            if len(targets) < len(subs):
                targets.append(module)
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                out.add(target)
    return out


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def layer(module: str) -> str:
    best = ""
    for prefix in LAYERS:
        if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    if not best:
        raise AssertionError(f"{module} is in no layer: add its package to LAYERS")
    return best


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


@pytest.fixture(scope="module")
def edges() -> dict[str, set[str]]:
    return graph()


def _without_known(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    return {a: {b for b in bs if (a, b) not in KNOWN} for a, bs in edges.items()}


def test_known_exceptions_still_exist(edges):
    """A removed exception must leave :data:`KNOWN` too, so the list only shrinks."""
    gone = [f"{a} -> {b}" for a, b in KNOWN if b not in edges.get(a, set())]
    assert not gone, f"no longer imported, remove from KNOWN: {gone}"


def test_no_module_circles(edges):
    found = circles(_without_known(edges))
    assert not found, "import circles between modules: " + "; ".join(" <-> ".join(c) for c in found)


def test_imports_follow_the_layers(edges):
    upward = [
        f"{a} (layer {layer(a)}) imports {b} (layer {layer(b)})"
        for a, bs in _without_known(edges).items()
        for b in sorted(bs)
        if LAYERS[layer(b)] > LAYERS[layer(a)]
    ]
    assert not upward, "imports against the flow:\n" + "\n".join(upward)


def test_one_way_dependencies_keep_their_direction(edges):
    backward = [
        f"{a} imports {b}"
        for a, bs in _without_known(edges).items()
        for b in sorted(bs)
        for upper, lower in ONE_WAY
        if layer(a) == lower and layer(b) == upper
    ]
    assert not backward, "imports against a declared direction (ONE_WAY):\n" + "\n".join(backward)


def test_no_package_circles(edges):
    packages: dict[str, set[str]] = defaultdict(set)
    for a, bs in _without_known(edges).items():
        pa = GROUPS.get(layer(a), layer(a))
        for b in bs:
            pb = GROUPS.get(layer(b), layer(b))
            if pa != pb:
                packages[pa].add(pb)
    found = circles(packages)
    assert not found, "packages that import each other: " + "; ".join(
        " <-> ".join(c) for c in found
    )


def test_the_graph_sees_deferred_imports(tmp_path):
    """The reader counts imports inside functions and skips TYPE_CHECKING blocks (so a
    circle hidden in a function body is still found)."""
    src = ROOT / "lab" / "bench" / "runner.py"
    got = imports_of("lab.bench.runner", src, set(modules()))
    assert "lab.threads" in got  # imported inside a function in runner.py
    known = {"a", "a.b", "a.c"}
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import a.c\n"
        "def f():\n    from a import b\n"
    )
    assert imports_of("probe", probe, known) == {"a.b"}
    assert circles({"x": {"y"}, "y": {"x"}, "z": {"x"}}) == [["x", "y"]]
