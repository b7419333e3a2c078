"""The backend contract: every backend exposes every analytics function with its exact signature."""

import inspect

import pytest

from lab import analytics
from lab.backends import BACKENDS, Backend, get_backend
from lab.backends import native as native_engine


@pytest.mark.parametrize("function", analytics.FUNCTIONS)
def test_backend_methods_have_the_analytics_signature(function):
    reference = inspect.signature(getattr(analytics, function))
    bound = inspect.signature(getattr(get_backend("reference"), function))
    unbound = list(inspect.signature(getattr(Backend, function)).parameters)
    assert bound == reference
    assert unbound == ["self", *reference.parameters]


@pytest.mark.parametrize("function", analytics.FUNCTIONS)
def test_native_engine_mirrors_reference_signature(function):
    assert inspect.signature(getattr(native_engine, function)) == inspect.signature(
        getattr(analytics, function)
    )


def test_every_function_is_exported_once():
    assert len(set(analytics.FUNCTIONS)) == len(analytics.FUNCTIONS)
    assert set(native_engine.__all__) == set(analytics.FUNCTIONS)


def test_backends_report_the_engine_that_ran():
    for name in ("reference", "native"):
        backend = get_backend(name)
        backend.correlation([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]])
        assert backend.last_engine == name
        assert backend.available


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(ValueError, match=r"unknown backend 'gpu'; choose one of reference, native"):
        get_backend("gpu")
    assert list(BACKENDS) == ["reference", "native", "grpc", "dask"]
