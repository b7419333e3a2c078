"""Helpers only the tests use: reading an exported report back (:mod:`tests.support.report`)
and driving headless Chromium (:mod:`tests.support.browser`).

The page driver the ``arblab bench --suite ui`` benchmark needs at run time (``ServedApp``,
``PairPage``, the Chromium launcher) stays in :mod:`lab.bench.ui`; what only tests call lives
here.
"""
