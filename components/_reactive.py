"""Bridges from model derivations (``@param.depends`` methods) to Panel panes and HoloViews
DynamicMaps.

A view never lists the parameters a plot depends on: it names the model derivations it shows,
and the parameters are read from their ``@param.depends`` declarations
(``param.method_dependencies``), so a plot updates exactly when one of its inputs changes.

Derivation errors (a ``ValueError`` for an invalid combination of parameters, a data problem)
never break a plot: the plot function receives ``None`` and draws an empty frame, and the
message goes to the page's :class:`ErrorBar`.
"""

from __future__ import annotations

import contextlib
import html
import logging
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import holoviews as hv
import panel as pn
import param

from components import theme

log = logging.getLogger(__name__)


def dependencies(
    methods: Sequence[Callable[..., Any]],
) -> list[tuple[param.Parameterized, list[str]]]:
    """The ``(object, parameter names)`` pairs that the bound ``@param.depends`` methods use."""
    found: dict[int, tuple[param.Parameterized, list[str]]] = {}
    for method in methods:
        owner = method.__self__
        for dep in owner.param.method_dependencies(method.__name__):
            inst = dep.inst if dep.inst is not None else owner
            entry = found.setdefault(id(inst), (inst, []))
            if dep.name not in entry[1]:
                entry[1].append(dep.name)
    return list(found.values())


class ErrorBar(pn.viewable.Viewer):
    """One alert per page listing the current derivation errors (hidden when there are none)."""

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._errors: dict[str, str] = {}
        self._lock = threading.Lock()
        self._alert = theme.alert("", visible=False, css_classes=["arb-error"])

    def set(self, key: str, message: str | None) -> None:
        with self._lock:
            if message:
                self._errors[key] = message
            else:
                self._errors.pop(key, None)
            text = "".join(f"<p>{html.escape(m)}</p>" for m in dict.fromkeys(self._errors.values()))
        box = theme.alert_html(text, "danger")
        if box != self._alert.object or bool(text) != self._alert.visible:
            self._alert.param.update(object=box, visible=bool(text))

    @property
    def messages(self) -> list[str]:
        with self._lock:
            return list(dict.fromkeys(self._errors.values()))

    def __panel__(self) -> pn.viewable.Viewable:
        return self._alert


_SPINNERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""DynamicMap -> a weak reference to its :class:`Busy`, so :func:`hv_pane` can point the
spinner at the pane.

The value must be weak: the Busy's target is the pane, whose object is the DynamicMap, so a
strong value would keep its own key (and with it the pane, the page and the session's models)
alive for the life of the process. The DynamicMap's callback holds the Busy strongly, so the
weak value lives exactly as long as its key."""


class Busy:
    """Shows ``target.loading`` while a block runs longer than ``delay`` seconds.

    Quick updates (a cached result, a cheap redraw) never flash a spinner; long work (a scan,
    a sweep, an EM fit) shows one until it is done. Works from worker threads: Panel sends the
    ``loading`` change to the browser while the work continues. Blocks may overlap (two
    updates of one plot in two server threads): the spinner shows while any of them runs
    longer than ``delay`` and goes away when the last one ends.
    """

    def __init__(self, target: pn.viewable.Viewable | None = None, delay: float = 0.15) -> None:
        self.target = target
        self.delay = delay
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._active = 0
        self._shown = False

    def _show(self) -> None:
        with self._lock:
            if self._active == 0 or self._shown:
                return
            self._timer = None
            self._shown = True
            self.target.loading = True

    def __enter__(self) -> Busy:
        if self.target is None:
            return self
        with self._lock:
            self._active += 1
            if self._timer is None and not self._shown:
                self._timer = threading.Timer(self.delay, self._show)
                self._timer.daemon = True
                self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            if self._active == 0:  # entered without a target
                return
            self._active -= 1
            if self._active > 0:
                return
            timer, self._timer = self._timer, None
            if timer is not None:
                timer.cancel()
            if self._shown:
                self._shown = False
                self.target.loading = False


def _evaluate(
    methods: Sequence[Callable[..., Any]],
    errors: ErrorBar | None,
    key: str,
    busy: Busy | None = None,
) -> list[Any] | None:
    try:
        with busy if busy is not None else contextlib.nullcontext():
            values = [m() for m in methods]
    except Exception as exc:  # shown on the page (ValueError/DataError carry the reason)
        if not isinstance(exc, ValueError):
            log.exception("derivation %s failed", key)
        if errors is not None:
            kind = "Error" if isinstance(exc, ValueError) else type(exc).__name__
            errors.set(key, f"{kind}: {exc}")
        return None
    if errors is not None:
        errors.set(key, None)
    return values


def _merge(
    deps: list[tuple[param.Parameterized, list[str]]],
    extra: Sequence[tuple[param.Parameterized, Sequence[str]]],
) -> list[tuple[param.Parameterized, list[str]]]:
    """Add ``extra`` parameters to ``deps``, one entry per object and no name twice."""
    merged = {id(inst): (inst, list(names)) for inst, names in deps}
    for inst, names in extra:
        entry = merged.setdefault(id(inst), (inst, []))
        entry[1].extend(n for n in names if n not in entry[1])
    return list(merged.values())


def _extra_values(extra: Sequence[tuple[param.Parameterized, Sequence[str]]]) -> list[Any]:
    return [getattr(inst, n) for inst, names in extra for n in names]


_UNSET = object()


class _Results(param.Parameterized):
    """The derivations of one :func:`dmap`, computed where their inputs change.

    HoloViews schedules a server-side DynamicMap refresh on the Bokeh/Tornado event loop, so a
    derivation evaluated inside the DynamicMap callback (a scan, a sweep, an EM fit) would run
    there and freeze every session's pages. Instead the inputs are watched: a change is
    evaluated at once on the thread that made it (Panel's ``--num-threads`` pool for browser
    events), and only then is :attr:`version` bumped, so the refresh just draws the stored
    results. The first drawing evaluates in place (it happens where the page is built).
    """

    version = param.Integer(default=0, doc="Bumped when new results are stored.")

    def __init__(
        self,
        methods: Sequence[Callable[..., Any]],
        errors: ErrorBar | None,
        key: str,
        busy: Busy,
    ) -> None:
        super().__init__()
        self._methods, self._errors, self._key, self.busy = methods, errors, key, busy
        self._lock = threading.Lock()
        self._values: Any = _UNSET
        self._started = 0  # sequence number of the latest evaluation started
        self._stored = 0  # and of the one whose results are stored
        for inst, names in dependencies(methods):
            inst.param.watch(self._on_change, names)

    def _evaluate(self) -> list[Any] | None:
        return _evaluate(self._methods, self._errors, self._key, self.busy)

    def _on_change(self, *_: Any) -> None:
        with self._lock:
            self._started += 1
            seq = self._started
        values = self._evaluate()
        with self._lock:
            if seq < self._stored:  # a later change was evaluated first: keep its results
                return
            self._stored, self._values = seq, values
        self.version += 1

    def values(self) -> list[Any] | None:
        """The stored results (evaluated here the first time)."""
        with self._lock:
            values = self._values
        if values is _UNSET:
            values = self._evaluate()
            with self._lock:
                if self._values is _UNSET:
                    self._values = values
        return values


def dmap(
    plot: Callable[..., hv.core.Element],
    *methods: Callable[..., Any],
    errors: ErrorBar | None = None,
    extra: Sequence[tuple[param.Parameterized, Sequence[str]]] = (),
    name: str | None = None,
    busy: pn.viewable.Viewable | None = None,
) -> hv.DynamicMap:
    """A DynamicMap that redraws ``plot(*results)`` when any input of ``methods`` changes.

    Because the container is a DynamicMap, the plot keeps its zoom and pan across updates.
    ``plot`` is called with ``None`` for every result when a derivation raised (it must then
    return an empty element of the same type); the error goes to ``errors``.

    Parameters
    ----------
    plot : callable
        Builds the HoloViews element from the derivations' results followed by the current
        values of the ``extra`` parameters, positionally.
    *methods : bound ``@param.depends`` methods
        The derivations shown.
    extra : sequence of (object, names)
        Further parameters that only affect the drawing (colour choices, a selected value).
    busy : Viewable, optional
        Shows its loading spinner while the derivations take long (see :class:`Busy`).
    """
    key = name or getattr(plot, "__name__", "plot")
    results = _Results(methods, errors, key, Busy(busy))
    streams = [hv.streams.Params(parameterized=results, parameters=["version"])] + [
        hv.streams.Params(parameterized=inst, parameters=list(names)) for inst, names in extra
    ]
    spinner = results.busy

    def callback(**_: Any) -> hv.core.Element:
        values = results.values()
        if values is None:
            values = [None] * len(methods)
        return plot(*values, *_extra_values(extra))

    dm = hv.DynamicMap(callback, streams=streams)
    _SPINNERS[dm] = weakref.ref(spinner)
    return dm


def bind(
    render: Callable[..., Any],
    *methods: Callable[..., Any],
    errors: ErrorBar | None = None,
    extra: Sequence[tuple[param.Parameterized, Sequence[str]]] = (),
    name: str | None = None,
    watch: bool = False,
) -> Callable[..., Any]:
    """A function bound (``pn.bind``) to every input of ``methods``; it returns ``render(*results)``.

    Use it with ``pn.panel(bind(...), loading_indicator=True)`` for tables and text, which are
    re-rendered on each change (HoloViews plots use :func:`dmap` instead). With ``watch=True``
    ``render`` is an effect run on every change (for example updating a widget in place).
    """
    key = name or getattr(render, "__name__", "render")
    params = [inst.param[n] for inst, names in _merge(dependencies(methods), extra) for n in names]

    def call(*_: Any) -> Any:
        values = _evaluate(methods, errors, key)
        if values is None:
            values = [None] * len(methods)
        return render(*values, *_extra_values(extra))

    return pn.bind(call, *params, watch=watch)


UNLINKED = {"linked_axes": False}
"""HoloViews pane options of a plot whose axes are its own.

Panel's ``linked_axes`` (on by default) links every HoloViews pane of the *whole app* whose
axes carry the same label: the Data page's "date" axis with the Mean reversion and Regimes
pages', the correlation heatmap's symbols with the pair scan's. With pages in dynamic tabs,
a visible plot then points at axis ranges of hidden pages that the browser has dropped
(``reference ... isn't known``), and a plot's range jumps to another page's data. Only the
Mean reversion page links its own date axes (``linked_axes=True``, one page only)."""


def hv_pane(dm: hv.DynamicMap, **pane_params: Any) -> pn.pane.HoloViews:
    """A HoloViews pane for a :func:`dmap`, whose loading spinner shows during long work.

    Its axes are not linked to other panes unless ``linked_axes=True`` (see :data:`UNLINKED`).
    """
    pane_params = {**UNLINKED, **pane_params}
    pane_params.setdefault("sizing_mode", "stretch_width")
    pane = pn.pane.HoloViews(dm, **pane_params)
    ref = _SPINNERS.get(dm)
    spinner = ref() if ref is not None else None
    if spinner is not None:
        spinner.target = pane
    return pane


def plot_pane(
    plot: Callable[..., hv.core.Element],
    *methods: Callable[..., Any],
    errors: ErrorBar | None = None,
    extra: Sequence[tuple[param.Parameterized, Sequence[str]]] = (),
    name: str | None = None,
    overlay: hv.DynamicMap | None = None,
    **pane_params: Any,
) -> pn.pane.HoloViews:
    """A HoloViews pane showing :func:`dmap` of ``plot``, with a loading spinner for long work.

    ``overlay`` (another DynamicMap) is drawn on top, e.g. a marker that follows a parameter.
    Its axes are not linked to other panes unless ``linked_axes=True`` (see :data:`UNLINKED`).
    """
    pane_params = {**UNLINKED, **pane_params}
    pane_params.setdefault("sizing_mode", "stretch_width")
    pane = pn.pane.HoloViews(None, **pane_params)
    dm = dmap(plot, *methods, errors=errors, extra=extra, name=name, busy=pane)
    pane.object = dm * overlay if overlay is not None else dm
    return pane
