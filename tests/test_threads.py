"""BLAS threads are set deliberately (lab.threads)."""

import subprocess
import sys

import pytest

import lab
from lab.threads import blas_threads, configure_blas_threads


def _threads_in_subprocess(env_value: str | None) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ)
    env.pop("ARBLAB_BLAS_THREADS", None)
    if env_value is not None:
        env["ARBLAB_BLAS_THREADS"] = env_value
    code = "import lab; from lab.threads import blas_threads; print(blas_threads())"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def test_import_pins_blas_to_one_thread():
    assert lab.__version__
    out = _threads_in_subprocess(None)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1"


def test_environment_overrides_the_default():
    out = _threads_in_subprocess("2")
    assert out.stdout.strip() == "2"


def test_bad_values_are_rejected():
    out = _threads_in_subprocess("many")
    assert out.returncode != 0
    assert "ARBLAB_BLAS_THREADS must be a positive integer, got 'many'" in out.stderr
    with pytest.raises(ValueError, match="BLAS threads must be >= 1"):
        configure_blas_threads(0)
    configure_blas_threads(1)
    assert blas_threads() == 1


def test_every_loaded_blas_is_limited_including_scipys_own():
    from threadpoolctl import threadpool_info

    code = (
        "import lab, scipy.optimize, sklearn.linear_model; from threadpoolctl import threadpool_info;"
        "print(sorted({d['num_threads'] for d in threadpool_info() if d['user_api'] == 'blas'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[1]"
    assert threadpool_info()  # this process has BLAS loaded too


def test_import_lab_loads_no_numerical_library():
    """``import lab`` stays cheap (#14: at most 0.3 s): it pins BLAS through the environment,
    without importing NumPy, SciPy or threadpoolctl, and the pin still reaches both BLAS
    libraries when they load afterwards."""
    code = (
        "import sys, lab; loaded = sorted(m for m in ('numpy', 'scipy', 'threadpoolctl', 'numba',"
        " 'pandas') if m in sys.modules); print(loaded);"
        "import numpy, scipy.linalg; from threadpoolctl import threadpool_info;"
        "print(sorted({d['num_threads'] for d in threadpool_info() if d['user_api'] == 'blas'}))"
    )
    env = {k: v for k, v in __import__("os").environ.items() if not k.endswith("NUM_THREADS")}
    env.pop("ARBLAB_BLAS_THREADS", None)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split("\n")[:2] == ["[]", "[1]"], out.stdout


def test_a_blas_loaded_before_lab_is_limited_too():
    code = (
        "import numpy, lab; from threadpoolctl import threadpool_info;"
        "print(sorted({d['num_threads'] for d in threadpool_info() if d['user_api'] == 'blas'}))"
    )
    env = {k: v for k, v in __import__("os").environ.items() if not k.endswith("NUM_THREADS")}
    env["ARBLAB_BLAS_THREADS"] = "1"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[1]"
