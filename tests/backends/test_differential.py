"""Every engine equals the reference on generated valid inputs, for every registered analytic.

One parametrised property runs over registry x {native, grpc, dask}: hypothesis draws valid
inputs from the analytic's registered strategy (flat stretches, equal opening closes, +-20 %
jumps, price levels 1e-2..1e5, late listings, samples as short as the stated minimum;
near-singular, dominated and barely-long-enough return matrices), and the engine's result must
equal the reference's within the registered tolerance. Where the reference raises ValueError,
the engine must raise the same ValueError (same message); any other exception on either side
fails the test.

The default run draws a fixed (derandomized) set of examples, the same on every machine, sized
for CI's budget; ``--run-slow`` runs the same properties on 300 fresh random examples each.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings

from lab.analytics.registry import REGISTRY, disagreement, run
from lab.backends import get_backend
from lab.testing import strategies

ENGINES = ("native", "grpc", "dask")

EXAMPLES = {"native": 30, "grpc": 8, "dask": 5}
"""Default hypothesis examples per analytic and engine (halved for slow references)."""

SLOW_EXAMPLES = int(os.environ.get("ARBLAB_SLOW_EXAMPLES", "300"))
"""Examples per analytic and engine of the ``--run-slow`` variant."""


@pytest.fixture(scope="module")
def engines():
    from lab.rpc.embedded import start_embedded

    made = {"native": get_backend("native")}
    with start_embedded(port=0, workers=2, cache_mb=128) as server:
        made["grpc"] = get_backend("grpc", address=server.address, reconnect_interval=0.0)
        made["dask"] = get_backend("dask", n_workers=2, threads_per_worker=1)
        yield made
        for backend in made.values():
            backend.close()


def check_same(name: str, engine_name: str, backend, args: tuple, kwargs: dict) -> None:
    want = run(REGISTRY[name].reference, args, kwargs)
    got = run(getattr(backend, name), args, kwargs)
    problem = disagreement(name, got, want, args, kwargs, same_type=engine_name != "grpc")
    assert problem is None, f"{name} on {engine_name}: {problem}"
    if got.error is None:
        assert backend.last_engine == engine_name, backend.status


def _property(name: str, engine_name: str, examples: int, derandomize: bool):
    analytic = REGISTRY[name]
    if analytic.slow_reference:
        examples = max(3, examples // 2)

    @settings(
        max_examples=examples,
        derandomize=derandomize,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )
    @given(call=analytic.strategy(strategies))
    def prop(backend, call):
        args, kwargs = call
        check_same(name, engine_name, backend, args, kwargs)

    return prop


CASES = [(name, engine) for name in REGISTRY for engine in ENGINES]


@pytest.mark.parametrize(("name", "engine_name"), CASES)
def test_engine_equals_reference_on_generated_inputs(engines, name, engine_name):
    _property(name, engine_name, EXAMPLES[engine_name], derandomize=True)(engines[engine_name])


@pytest.mark.slow
@pytest.mark.parametrize(("name", "engine_name"), CASES)
def test_engine_equals_reference_on_many_generated_inputs(engines, name, engine_name):
    _property(name, engine_name, SLOW_EXAMPLES, derandomize=False)(engines[engine_name])


@pytest.mark.parametrize("name", list(REGISTRY))
def test_registered_example_is_valid_and_agrees_on_every_engine(engines, name):
    args, kwargs = REGISTRY[name].example()
    for engine_name in ENGINES:
        want = run(REGISTRY[name].reference, args, kwargs)
        assert want.error is None, want.message
        check_same(name, engine_name, engines[engine_name], args, kwargs)
