"""Progress and cancellation of a model's long computation (a pair scan, a sweep).

A chunked analytic (its registry entry declares a :class:`~lab.analytics.chunking.Chunking`:
``pair_scan`` by pairs, ``sweep`` by lookbacks, ``backtest_many`` by columns) is run by
:meth:`lab.models.base.AnalysisModel.compute` one chunk at a time on the selected backend. After
each chunk :class:`Work` advances ``done`` (in ``unit``: pairs, lookbacks, columns), and before
the next one it checks whether the user asked to stop; a stop raises :class:`Cancelled`, so the
work ends within one chunk (an eighth of the call). The merged result equals the unsplit call
(the chunking's merge re-ranks and recomputes the q-values over all pairs; the tests of
:mod:`lab.analytics.chunking` prove it), so chunking changes no number.

:class:`Work` holds no Panel object: the views (``components/progress.py``) show its
parameters, which it updates from the computing thread.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Any

import param

WORK_LABELS: dict[str, str] = {
    "pair_scan": "Scanning pairs",
    "sweep": "Sweeping the parameter grid",
    "backtest_many": "Backtesting the batch",
}
"""What the progress line says for each chunked analytic."""


class Cancelled(ValueError):
    """The user stopped the computation; the message says how far it got.

    A ``ValueError``, so the page shows it as the reason the result is missing (never a
    crash); the result is not cached, and :meth:`Work.retry` runs the call again.
    """


class Work(param.Parameterized):
    """The state of one model's chunked computation.

    Parameters (constant: views read them)
    -------------------------------------
    running : bool
        A chunked call is in progress.
    label : str
        What it is doing (:data:`WORK_LABELS`).
    done, total : int
        Items finished and in all (``unit``).
    unit : str
        ``"pairs"``, ``"lookbacks"`` or ``"columns"``.
    message : str
        ``"Scanning pairs: 48 of 190 pairs"``; after a stop, what was stopped.
    retry : event
        Fired by :meth:`retry`; the models' derivations depend on it, so they run again.
    """

    running = param.Boolean(default=False, constant=True)
    label = param.String(default="", constant=True)
    done = param.Integer(default=0, constant=True)
    total = param.Integer(default=0, constant=True)
    unit = param.String(default="", constant=True)
    message = param.String(default="", constant=True)
    retry_event = param.Event(doc="Run the stopped computation again.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._stop = threading.Event()
        self._stopped: Hashable | None = None

    def _set(self, **values: Any) -> None:
        with param.edit_constant(self):
            self.param.update(**values)

    # -- the computing thread ----------------------------------------------------------------
    def start(self, function: str, total: int, unit: str) -> None:
        """A chunked call of ``function`` over ``total`` items begins."""
        self._stop.clear()
        label = WORK_LABELS.get(function, function)
        self._set(
            running=True,
            label=label,
            done=0,
            total=int(total),
            unit=unit,
            message=f"{label}: 0 of {total} {unit}",
        )

    def advance(self, items: int) -> None:
        """``items`` more are done."""
        done = self.done + int(items)
        self._set(done=done, message=f"{self.label}: {done} of {self.total} {self.unit}")

    def check(self) -> None:
        """Raise :class:`Cancelled` when the user asked to stop."""
        if self._stop.is_set():
            raise Cancelled(
                f"{self.label} stopped by the user after {self.done} of {self.total} "
                f"{self.unit}; press Retry to run it again"
            )

    def finish(self, error: BaseException | None = None, key: Hashable | None = None) -> None:
        """The call ``key`` ended (``error``: how it failed or was stopped)."""
        stopped = isinstance(error, Cancelled)
        self._stopped = key if stopped else None
        self._set(running=False, message=str(error) if stopped else "")

    def refuse_if_stopped(self, function: str, key: Hashable) -> None:
        """Raise :class:`Cancelled` again for the call ``key`` (of ``function``) that the user
        stopped, until :meth:`retry`; a call of ``function`` with other arguments (other
        settings, another backend) clears the stop, whether it runs or comes from the cache."""
        stopped = self._stopped
        if stopped is None or stopped[0] != function:
            return
        if stopped == key:
            raise Cancelled(self.message)
        self._stopped = None
        self._set(message="")

    # -- the user ------------------------------------------------------------------------------
    def cancel(self) -> None:
        """Ask the running computation to stop before its next chunk."""
        if self.running:
            self._stop.set()

    def retry(self) -> None:
        """Run the stopped computation again (its derivations depend on :attr:`retry_event`)."""
        self._stop.clear()
        self._stopped = None
        self._set(message="")
        self.param.trigger("retry_event")
