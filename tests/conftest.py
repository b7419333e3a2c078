"""Suite-wide settings: hypothesis profile (numba JIT on first call makes deadlines meaningless)."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "arblab",
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("arblab")
