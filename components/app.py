"""The served lab: one template with the backend and data choice in the sidebar and one tab per
page. Each browser session builds its own :class:`~lab.models.session.LabSession`."""

from __future__ import annotations

import html
import logging
import threading
import urllib.parse
from collections.abc import Callable
from typing import Any, ClassVar

import panel as pn
import param

from components import theme
from components.backend import BackendView
from components.dataset import DatasetView
from components.memory import release_session
from components.skeleton import page_skeleton
from lab.models.pair import SHARED_PARAMETERS
from lab.models.session import LabSession

log = logging.getLogger(__name__)

PAGES: tuple[str, ...] = (
    "Data",
    "Pairs",
    "Mean reversion",
    "Regimes",
    "Portfolio",
    "Options",
    "Order book",
    "Benchmark",
)
"""Page titles, in tab order."""

STATIC_ROUTE = "arblab-assets"
"""Route under which ``arblab serve`` publishes ``assets/`` (logo, stylesheet)."""

STATIC_LOGO = f"{STATIC_ROUTE}/logo.svg"


def _data(app: LabApp) -> Any:
    from components.data import DataView

    return DataView(model=app.session.stats, scan=app.session.scan, on_open=app.open_pair)


def _pairs(app: LabApp) -> Any:
    from components.pairs import PairScanView

    return PairScanView(model=app.session.scan, pair=app.session.pair, on_select=app.open_pair)


def _pair(app: LabApp) -> Any:
    from components.pair import PairView

    return PairView(model=app.session.pair)


def _regimes(app: LabApp) -> Any:
    from components.regimes import RegimeView

    return RegimeView(model=app.session.regimes)


def _portfolio(app: LabApp) -> Any:
    from components.portfolio import PortfolioView

    return PortfolioView(model=app.session.portfolio)


def _options(app: LabApp) -> Any:
    from components.options import OptionsView

    return OptionsView(model=app.session.options)


def _orderbook(app: LabApp) -> Any:
    from components.orderbook import OrderBookView

    return OrderBookView(model=app.session.orderbook)


def _benchmark(app: LabApp) -> Any:
    from components.benchmark import BenchmarkView

    return BenchmarkView(backend_model=app.session.backend)


def _report_button(app: LabApp) -> Any:
    from components.report import sidebar_button

    return sidebar_button(app)


FACTORIES: dict[str, Callable[[LabApp], Any]] = dict(
    zip(
        PAGES,
        (_data, _pairs, _pair, _regimes, _portfolio, _options, _orderbook, _benchmark),
        strict=True,
    )
)


class LabApp(pn.viewable.Viewer):
    """The whole lab for one session.

    Pages are built the first time their tab is opened, so a session starts quickly and pays
    only for what it uses.

    Hooks for other components:

    - :attr:`sidebar` is a live ``pn.Column``; anything appended to it shows in the sidebar
      (below the data block).
    - :attr:`sidebar_extensions` is a class-level list of ``factory(app) -> viewable``; each
      app calls every factory once and appends the result to :attr:`sidebar`; the report
      export button (:func:`components.report.sidebar_button`) is listed by default.
    """

    session = param.ClassSelector(class_=LabSession, doc="The session's models.")

    sidebar_extensions: ClassVar[list[Callable[[LabApp], Any]]] = [_report_button]

    def __init__(self, **params: Any) -> None:
        if params.get("session") is None:
            params["session"] = LabSession()
        super().__init__(**params)
        theme.setup()
        self.backend_view = BackendView(model=self.session.backend)
        self.dataset_view = DatasetView(model=self.session.dataset)
        self.pages: dict[str, Any] = {}
        self._building: set[str] = set()
        self._build_lock = threading.RLock()  # a deferred build and show() may race
        self._slots = {name: pn.Column(sizing_mode="stretch_width", name=name) for name in PAGES}
        self.tabs = pn.Tabs(
            *self._slots.values(),
            dynamic=True,
            sizing_mode="stretch_width",
            css_classes=["arb-pages"],
        )
        self.tabs.param.watch(self._on_tab, "active")
        compare = pn.widgets.Button(
            label="Compare backends →",
            color="primary",
            variant="outline",
            sizing_mode="stretch_width",
            description="Open the Benchmark page: time every backend on this dataset.",
        )
        compare.on_click(lambda _: self.show("Benchmark"))
        self.sidebar = pn.Column(
            self.backend_view,
            compare,
            pn.layout.Divider(),
            self.dataset_view,
            pn.layout.Divider(),
            sizing_mode="stretch_width",
        )
        self.extensions = [factory(self) for factory in self.sidebar_extensions]
        self.sidebar.extend(self.extensions)
        self._build(PAGES[0])

    # -- navigation -------------------------------------------------------------------------
    def _build(self, name: str) -> Any:
        with self._build_lock:
            return self._build_locked(name)

    def _build_locked(self, name: str) -> Any:
        if name not in self.pages:
            try:
                self.pages[name] = FACTORIES[name](self)
            except Exception as exc:  # a broken page is reported on the page, the rest works
                log.exception("building page %s failed", name)
                self._slots[name][:] = [
                    theme.alert(
                        f"<b>The {name} page could not be built.</b> "
                        + html.escape(f"{type(exc).__name__}: {exc}")
                    )
                ]
                return None
            self._slots[name][:] = [self.pages[name]]
        return self.pages[name]

    def _on_tab(self, event: param.parameterized.Event) -> None:
        """Open the chosen tab's page: built now outside a server session (a notebook, a
        test); in a served session the tab first shows :func:`page_skeleton`, which reaches the
        browser when this callback returns, and the page is built after it (on Panel's thread
        pool when ``--num-threads`` is set, else on the next tick) and replaces it."""
        name = PAGES[event.new]
        if name in self.pages or name in self._building:
            return
        doc = pn.state.curdoc
        if doc is None or doc.session_context is None:
            self._build(name)
            return
        self._building.add(name)
        self._slots[name][:] = [page_skeleton(name)]
        pn.state.execute(
            lambda: self._build_deferred(name), schedule="thread" if pn.config.nthreads else True
        )

    def _build_deferred(self, name: str) -> None:
        try:
            self._build(name)
        finally:
            self._building.discard(name)

    def show(self, name: str) -> None:
        """Open page ``name`` (building it if needed)."""
        self._build(name)
        self.tabs.active = PAGES.index(name)

    def open_pair(self, y: str, x: str) -> None:
        """Select the pair (y, x) and open the Mean reversion page."""
        self.session.pair.param.update(y=y, x=x)
        self.show("Mean reversion")

    def link_query(self) -> str:
        """The query string (``?page=...``) that reopens this view: the page, the backend,
        the dataset (and synthetic seed) and the Mean reversion page's pair and parameters;
        the same keys :func:`sync_location` reads."""
        pair, dataset = self.session.pair, self.session.dataset
        query: dict[str, Any] = {
            "page": self.tabs.active,
            "backend": self.session.backend.backend,
            "data": dataset.source,
        }
        if dataset.source == "synthetic":
            query["seed"] = dataset.seed
        query.update({name: getattr(pair, name) for name in SHARED_PARAMETERS})
        return "?" + urllib.parse.urlencode(query)

    def view_state(self) -> dict[str, Any]:
        """``{"page", "link"}`` of the view shown now, for the report
        (:func:`lab.report.content.view_section` adds the session's values)."""
        return {"page": PAGES[self.tabs.active], "link": self.link_query()}

    # -- rendering --------------------------------------------------------------------------
    def template(self, theme_name: str | None = None) -> pn.template.FastListTemplate:
        """The served page: FastListTemplate with the sidebar and the tabs, in ``theme_name``
        (one of :data:`components.theme.THEMES`; default: the session's,
        :func:`components.theme.current_theme`).

        The header's theme switch (Panel's) reloads the page with ``?theme=`` set and every
        other query parameter kept, so the view comes back from the link
        (:func:`sync_location`) in the other theme.
        """
        theme_name = theme_name or theme.current_theme()
        return LabTemplate(
            title="statistical arbitrage research lab",
            site="ArbLab",
            font="Inter, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
            font_url="",
            logo=theme.logo_data_uri(),
            favicon=STATIC_LOGO,
            accent=theme.ACCENT,
            header_background=theme.HEADER_BACKGROUND[theme.resolve_theme(theme_name)],
            theme=theme.resolve_theme(theme_name),
            design=theme.design(theme_name),
            sidebar=[self.sidebar],
            main=[self.tabs],
            sidebar_width=320,
            main_layout=None,
        )

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Row(pn.Column(self.sidebar, width=320), self.tabs, sizing_mode="stretch_width")


def _query_theme() -> str | None:
    """The link's ``?theme=`` (as Panel's header switch sets it) resolved to one of
    :data:`components.theme.THEMES`, or None when the link names no theme."""
    raw = pn.template.FastListTemplate._get_theme_from_query_args()
    return theme.resolve_theme(raw) if raw else None


LabTemplate = type(
    # Panel finds a template's bundled CSS and JS by its class name: the subclass keeps it.
    "FastListTemplate",
    (pn.template.FastListTemplate,),
    {
        "_get_theme_from_query_args": staticmethod(_query_theme),
        "__module__": __name__,
        "__doc__": "Panel's FastListTemplate that reads an unknown ``?theme=`` of a link as "
        "the default theme (Panel's own raises KeyError and the page fails to load).",
    },
)


def session_theme() -> str:
    """The theme the session's link asks for (``?theme=``), else
    :data:`components.theme.DEFAULT_THEME` (dark)."""
    return _query_theme() or theme.DEFAULT_THEME


def create_app() -> pn.template.FastListTemplate:
    """Build one session's app (``pn.serve`` calls this once per browser session)."""
    pn.config.throttled = True
    # Pages are built on first visit, after the template has rendered: set the design and the
    # session's theme (the link's ``?theme=``, dark by default) for the whole session, so those
    # late widgets, their stylesheets and plots are themed like the rest.
    pn.config.theme = session_theme()
    pn.config.design = theme.design(pn.config.theme)
    app = LabApp()
    pn.state.on_session_destroyed(lambda _ctx: release_session(app))
    if pn.state.location is not None:
        sync_location(app, pn.state.location)
    return app.template(pn.config.theme)


def _typed_query(location: pn.io.location.Location) -> dict[str, str]:
    """The query string's values as typed (``Location.query_params`` parses ``"007"`` as 7)."""
    return dict(urllib.parse.parse_qsl(location.search.lstrip("?")))


LINK_DATA = {"source": "data", "seed": "seed"}
"""Dataset parameters carried by a shared link (parameter -> query key): ``data`` is the
source (``sp500``, ``synthetic`` or ``file``) and ``seed`` the synthetic seed."""

LINK_BACKEND = {"backend": "backend"}
"""Backend parameter carried by a shared link (parameter -> query key)."""


def apply_link_dataset(app: LabApp, query: dict[str, str]) -> list[str]:
    """Apply a shared link's dataset and backend (``data``, ``seed``, ``backend``) before its
    pair is, so the pair's symbols are checked against the linked dataset.

    An uploaded file cannot travel in a link: ``data=file`` keeps the bundled prices, and the
    returned note (shown at the top of the sidebar) says so. An unknown source, backend or a
    seed that is not a non-negative integer is not applied and named in a note. Returns the
    notes, empty when everything was applied.
    """
    dataset, backend = app.session.dataset, app.session.backend
    notes: list[str] = []
    name = query.get("backend")
    if name is not None:
        if name in backend.param.backend.objects:
            backend.backend = name
        else:
            notes.append(
                f"backend = {name!r}: not one of {', '.join(backend.param.backend.objects)}"
            )
    source = query.get("data")
    if source == "file":
        notes.append(
            "this link was made on an uploaded file, which a link cannot carry: the bundled "
            "prices are shown; upload the file on the Data page to see that view"
        )
    elif source is not None and source not in dataset.param.source.objects:
        notes.append(f"data = {source!r}: not one of sp500, synthetic, file")
    elif source is not None:
        update: dict[str, Any] = {"source": source}
        if source == "synthetic" and "seed" in query:
            try:
                seed = int(query["seed"])
                if seed < 0:
                    raise ValueError
                update["seed"] = seed
            except ValueError:
                notes.append(f"seed = {query['seed']!r}: not a non-negative integer")
        dataset.param.update(**update)
    return notes


def sync_location(app: LabApp, location: pn.io.location.Location) -> None:
    """Keep the URL's query string and the session's view in step, so a copied link reopens
    the same view: ``page`` (the tab index), the backend and dataset (:data:`LINK_BACKEND`,
    :data:`LINK_DATA`, applied first by :func:`apply_link_dataset`) and the Mean reversion
    page's pair and strategy parameters (:data:`~lab.models.pair.SHARED_PARAMETERS`, under
    their own names, e.g. ``?page=2&backend=native&data=sp500&y=XOM&x=CVX&lookback=40``).

    The link's values are applied at once, before any page is built, through
    :meth:`PairModel.apply_shared`, which refuses those that do not fit (an unknown symbol, a
    lookback out of bounds, text for a number) with the page's refusal message. Once the
    browser has loaded the page (``pn.state.onload``; at once outside a server), they are
    dropped from the query string and :meth:`~panel.io.location.Location.sync` writes the
    values in use back to the URL (refused ones replaced); every later change (a slider, a
    clicked cell) updates it. A query string changed later with a value the parameters do not
    accept is applied the same way (``on_error``).
    """
    pair = app.session.pair
    notes = apply_link_dataset(app, _typed_query(location))
    if notes:
        app.sidebar.insert(
            0,
            theme.alert(
                "<b>Shared link:</b> " + html.escape("; ".join(notes)) + ".",
                level="warning",
                css_classes=["arb-link-note"],
            ),
        )
    shared = {k: v for k, v in _typed_query(location).items() if k in SHARED_PARAMETERS}
    if shared:
        pair.apply_shared(shared)
    location.sync(app.tabs, {"active": "page"})

    def reapply(mapped: dict[str, Any]) -> None:
        typed = _typed_query(location)
        pair.apply_shared({name: typed.get(name, value) for name, value in mapped.items()})

    def follow() -> None:
        # after the browser's own URL has reached the server: the values in use replace the
        # link's (the link may hold refused ones)
        query = _typed_query(location)
        linked = {*SHARED_PARAMETERS, *LINK_DATA.values(), *LINK_BACKEND.values()}
        rest = {k: v for k, v in query.items() if k not in linked}
        if rest != query:
            location.search = f"?{urllib.parse.urlencode(rest)}" if rest else ""
        names = dict(zip(SHARED_PARAMETERS, SHARED_PARAMETERS, strict=True))
        location.sync(app.session.backend, LINK_BACKEND)
        location.sync(app.session.dataset, LINK_DATA)
        location.sync(pair, names, on_error=reapply)

    pn.state.onload(follow)
