"""The plot builders: results -> HoloViews elements, shared by the pages and the report.

Each builder is a pure function of analytics results and the data they were computed on: no
widgets, no Panel, no model. The pages (``components/``) wrap them in DynamicMaps; the report
(:mod:`lab.report`) renders the same elements to Bokeh with :func:`holoviews.render`, so a
figure looks the same in the app and in an exported file.

- :mod:`lab.plots.style`: colours, sizes and the HoloViews defaults of every plot;
- :mod:`lab.plots.charts`: generic charts (bars on a numeric axis);
- one module per page, named for it: :mod:`lab.plots.data`, :mod:`lab.plots.pairs`,
  :mod:`lab.plots.pair` (Mean reversion), :mod:`lab.plots.regimes`, :mod:`lab.plots.portfolio`,
  :mod:`lab.plots.options` and :mod:`lab.plots.orderbook`.
"""

from lab.plots.style import apply_defaults

apply_defaults()
