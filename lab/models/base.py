"""The common base of the analysis models: a dataset, a backend and a bounded result cache."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import param

from lab.analytics import registry
from lab.models.backend import BackendModel
from lab.models.cache import Computed, ResultCache, call_key
from lab.models.dataset import DatasetModel
from lab.models.work import Work

DATA_DEPENDENCIES = (
    "dataset.content_hash",
    "backend.backend",
    "backend.grpc_address",
    "backend.dask_address",
    "work.retry_event",
)
"""Parameters every derivation of an :class:`AnalysisModel` depends on: the data, the engine,
and the user's Retry of a stopped computation."""


class AnalysisModel(param.Parameterized):
    """Base of the models that derive results from a dataset on a backend.

    Derivations call :meth:`compute`, which runs an analytics function on the selected backend
    through a bounded cache keyed by the function, the backend (name and address) and a content
    hash of the call's arguments (:func:`~lab.models.cache.call_key`): keys are derived from
    what the computation receives, never built by hand. :meth:`engine_of` tells which engine produced
    the most recent result of a function; the views show it.

    Parameters
    ----------
    dataset : DatasetModel, optional
        The prices; a fresh :class:`DatasetModel` (bundled data) when omitted.
    backend : BackendModel, optional
        The engine; a fresh :class:`BackendModel` (native) when omitted.
    """

    dataset = param.ClassSelector(class_=DatasetModel, doc="The prices analysed.")
    backend = param.ClassSelector(class_=BackendModel, doc="The engine that runs the analytics.")
    work = param.ClassSelector(
        class_=Work, doc="Progress and cancellation of the model's chunked computations."
    )

    cache_size: int = 32
    """Most results kept per model (least recently used are evicted)."""

    def __init__(self, **params: Any) -> None:
        if params.get("dataset") is None:
            params["dataset"] = DatasetModel()
        if params.get("backend") is None:
            params["backend"] = BackendModel()
        if params.get("work") is None:
            params["work"] = Work()
        super().__init__(**params)
        self._cache = ResultCache(self.cache_size)
        self._engines: dict[str, str] = {}

    def compute(self, function: str, *args: Any, **kwargs: Any) -> Any:
        """Run analytics ``function(*args, **kwargs)`` on the backend, through the cache.

        Parameters
        ----------
        function : str
            Name in :data:`lab.analytics.FUNCTIONS`.
        *args, **kwargs
            Its arguments (arrays, frames, scalars, dataclasses such as ``PairParams``). The
            cache key is their content hash (blake2b of the bytes; about 1 ms per MB), with the
            function and the backend (name and address).
        """
        full_key = (function, self.backend.key, call_key(function, args, kwargs))
        self.work.refuse_if_stopped(function, full_key)

        def run() -> Computed:
            return self._run_chunked(full_key, function, args, kwargs)

        entry = self._cache.get(full_key, run, keep=lambda e: not e.fallback)
        self._engines[function] = entry.engine + (" (fallback)" if entry.fallback else "")
        return entry.value

    def _run_chunked(
        self, key: Hashable, function: str, args: tuple, kwargs: dict[str, Any]
    ) -> Computed:
        """The call, one chunk at a time when its analytic is chunked (see :mod:`lab.models.work`):
        :attr:`work` shows the progress, and a stop asked for raises ``Cancelled`` before the
        next chunk. The parts are merged by the registry's chunking (equal to the unsplit call).
        A stopped call (``key``) is refused again, without running, until the user retries it:
        the page's other derivations that need it do not start it again.
        """
        entry = registry.REGISTRY.get(function)
        plan = registry.plan(function, entry.reference, args, kwargs) if entry else None
        if plan is None or len(plan.parts) < 2:
            return self.backend.call(function, *args, **kwargs)
        self.work.refuse_if_stopped(function, key)  # a waiter of the stopped call
        self.work.start(function, plan.total, plan.unit)
        parts, engines, fallback = [], [], False
        try:
            for (part_args, part_kwargs), size in zip(plan.parts, plan.sizes, strict=True):
                self.work.check()
                computed = self.backend.call(function, *part_args, **part_kwargs)
                parts.append(computed.value)
                engines.append(computed.engine)
                fallback = fallback or computed.fallback
                self.work.advance(size)
            value = plan.merge(parts)
        except BaseException as exc:
            self.work.finish(exc, key)
            raise
        self.work.finish()
        engine = engines[-1] if len(set(engines)) == 1 else " + ".join(dict.fromkeys(engines))
        return Computed(value=value, engine=engine, fallback=fallback)

    def dependency_values(self, method: str) -> tuple:
        """``(owner, name, value)`` of every parameter the derivation ``method`` depends on
        (its ``@param.depends``, through the methods it depends on): the key of a memo of
        that derivation, derived from its declaration."""
        return tuple(
            (type(p.inst).__name__, p.name, getattr(p.inst, p.name))
            for p in self.param.method_dependencies(method)
        )

    def engine_of(self, function: str) -> str:
        """Engine that produced the most recent ``function`` result ('' if none yet)."""
        return self._engines.get(function, "")

    @property
    def cache(self) -> ResultCache:
        """This model's result cache (bounded; see :attr:`cache_size`)."""
        return self._cache
