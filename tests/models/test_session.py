"""LabSession: one dataset and backend per session; sessions never share state; no Panel."""

from __future__ import annotations

import subprocess
import sys

from lab.models import LabSession


def test_models_share_the_session_dataset_and_backend():
    session = LabSession(backend="reference", start=None)
    for name in ("stats", "scan", "pair", "regimes", "portfolio", "options", "orderbook"):
        model = getattr(session, name)
        assert model.dataset is session.dataset and model.backend is session.backend
    assert session.backend.backend == "reference"
    assert len(session.dataset.prices) == 8313


def test_two_sessions_do_not_share_models():
    a, b = LabSession(), LabSession()
    assert a.pair is not b.pair and a.backend is not b.backend and a.dataset is not b.dataset
    a.pair.lookback = 25
    b.pair.lookback = 90
    assert a.pair.backtest() is not b.pair.backtest()
    assert (a.pair.lookback, b.pair.lookback) == (25, 90)
    a.backend.backend = "reference"
    assert b.backend.backend == "native"


def test_models_never_import_panel():
    code = "import sys, lab.models; s = lab.models.LabSession(); print(any(m.split('.')[0] in ('panel', 'bokeh', 'holoviews') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
