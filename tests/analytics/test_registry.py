"""lab.analytics.registry: each analytic declared once, everything else derived from it."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import pathlib

import numpy as np
import pandas as pd
import pytest

import lab
from lab import analytics
from lab.analytics import registry
from lab.analytics.registry import REGISTRY, FieldTol, Tolerance, native_function
from lab.backends import native

LAB = pathlib.Path(lab.__file__).parent


def test_functions_and_namespaces_are_derived_from_the_registry():
    assert analytics.FUNCTIONS == tuple(REGISTRY) and len(REGISTRY) == 33
    for name, entry in REGISTRY.items():
        assert getattr(analytics, name) is entry.reference
        assert name in native.__all__
        assert inspect.signature(getattr(native, name)) == entry.signature
        assert entry.domain == entry.reference.__module__.split(".")[2]  # module or package
        assert entry.anchor and entry.result is not None


def _with_native(entry, impl):
    """``entry`` with ``impl`` as its native implementation."""
    fake = dataclasses.replace(entry, native=None)
    object.__setattr__(fake, "native_impl", lambda: impl)
    return fake


def test_native_defaults_come_from_the_reference():
    # the native function passes every argument, resolved against the reference's defaults
    entry = REGISTRY["rolling_stats"]
    calls = []

    def impl(x, window):
        calls.append((x, window))
        return "ran"

    fake = registry.Analytic(
        "rolling_stats",
        "stats",
        entry.reference,
        None,
        entry.result,
        entry.tolerance,
        entry.example,
        entry.strategy,
        entry.anchor,
    )
    object.__setattr__(fake, "native_impl", lambda: impl)
    fn = native_function(fake)
    assert fn([1.0, 2.0], window=2) == "ran" and calls == [([1.0, 2.0], 2)]
    assert inspect.signature(fn) == entry.signature


def test_a_native_implementation_with_other_parameters_is_refused():
    entry = REGISTRY["hurst"]

    def impl(x, lags=100):
        return None

    fake = registry.Analytic(
        "hurst",
        "stats",
        entry.reference,
        None,
        entry.result,
        entry.tolerance,
        entry.example,
        entry.strategy,
        entry.anchor,
    )
    object.__setattr__(fake, "native_impl", lambda: impl)
    with pytest.raises(TypeError, match="does not take the reference's parameters"):
        native_function(fake)


def test_unknown_names_are_a_clear_error():
    with pytest.raises(ValueError, match="unknown analytic 'nope'; choose one of correlation"):
        registry.get("nope")


def _literal_lists(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            names = [
                e.value
                for e in node.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
            yield node, names


def test_the_registry_is_the_only_list_of_analytics_in_the_code():
    # a literal naming 8 or more analytics anywhere else would be a second, hand-kept list
    offenders = []
    for path in list(LAB.rglob("*.py")) + list((LAB.parent / "components").rglob("*.py")):
        if "_gen" in path.parts or path.name == "registry.py":
            continue
        for node, names in _literal_lists(ast.parse(path.read_text())):
            hits = set(names) & set(REGISTRY)
            if len(hits) >= 8:
                offenders.append(f"{path}:{node.lineno} names {len(hits)} analytics")
    assert not offenders


def test_tolerance_compares_structure_nan_and_scale():
    tol = Tolerance(
        FieldTol(rtol=1e-10, atol=0.0),
        {"b": FieldTol(rtol=0.0, atol=1e-6, scaled=True), "c": FieldTol(0.0, 1e-3, "input")},
    )
    want = {"a": np.array([1.0, np.nan]), "b": np.array([1e3, 0.0]), "c": np.array([0.0])}
    assert tol.mismatches(want, want) == []
    assert tol.mismatches({**want, "a": np.array([1.0 + 1e-9, np.nan])}, want)
    assert "NaN pattern" in tol.mismatches({**want, "a": np.array([1.0, 0.0])}, want)[0]
    # scaled: 1e-6 of max|b| = 1e-3 absolute
    assert tol.mismatches({**want, "b": np.array([1e3, 9e-4])}, want) == []
    assert tol.mismatches({**want, "b": np.array([1e3, 2e-3])}, want)
    # input-scaled: 1e-3 of the call's data scale
    assert tol.mismatches({**want, "c": np.array([0.5])}, want, scale=1e3) == []
    assert tol.mismatches({**want, "c": np.array([0.5])}, want, scale=1.0)
    assert tol.mismatches({**want, "c": np.array([0], dtype=int)}, want)  # dtype kind
    s = pd.Series([1.0, 2.0], index=pd.Index([3, 4]))
    assert tol.mismatches(s, s) == [] and tol.mismatches(s.reset_index(drop=True), s)


def test_skipped_fields_are_left_to_the_analytics_own_check():
    seen = []
    tol = Tolerance(skip=("w",), check=lambda g, w, a, k: seen.append(a) or ["custom"])
    got, want = {"w": np.array([1.0]), "v": 1.0}, {"w": np.array([2.0]), "v": 1.0}
    assert tol.mismatches(got, want) == []
    assert tol.problems(got, want, (1,), {}) == ["custom"] and seen == [(1,)]
