"""Unit-root and cointegration tests (reference implementations on statsmodels).

* :func:`adf` - augmented Dickey-Fuller test (``statsmodels.tsa.stattools.adfuller``).
* :func:`engle_granger` - Engle-Granger two-step test (``statsmodels.tsa.stattools.coint``),
  plus the hedge ratio and the lag chosen on the residuals.
* :func:`johansen` - Johansen trace and maximum-eigenvalue tests
  (``statsmodels.tsa.vector_ar.vecm.coint_johansen``).
* :func:`pair_scan` - Engle-Granger on all N(N-1)/2 pairs, Benjamini-Hochberg q-values,
  hedge ratios and half-lives, ranked by p-value.

References: Dickey and Fuller (1979); Said and Dickey (1984); Engle and Granger (1987),
"Co-integration and error correction", Econometrica 55, 251-276; MacKinnon (1994, 2010) for the
p-values and critical values; Johansen (1991), Econometrica 59, 1551-1580; Benjamini and
Hochberg (1995), JRSS B 57, 289-300.

Modules
-------
``results``    result types (both engines);
``checks``     input checks and size bounds (both engines);
``reference``  ADF, Engle-Granger and Johansen with statsmodels;
``scan``       the pair scan, its q-values, ranking and chunk merge;
``native``     the native engine (numba kernels of :mod:`lab.kernels.cointegration`).
"""

from lab.analytics.cointegration.checks import (
    ADF_MIN_RESID_DOF,
    AUTOLAGS,
    MAX_K_AR_DIFF,
    MAX_SCAN_CELLS,
    REGRESSIONS,
    all_pairs,
)
from lab.analytics.cointegration.reference import (
    adf,
    ar1_half_life,
    crit_values,
    engle_granger,
    johansen,
)
from lab.analytics.cointegration.results import (
    ADFResult,
    CointResult,
    JohansenResult,
    PairScanResult,
)
from lab.analytics.cointegration.scan import benjamini_hochberg, merge_pair_scans, pair_scan

__all__ = [
    "ADFResult",
    "ADF_MIN_RESID_DOF",
    "AUTOLAGS",
    "CointResult",
    "JohansenResult",
    "MAX_K_AR_DIFF",
    "MAX_SCAN_CELLS",
    "PairScanResult",
    "REGRESSIONS",
    "adf",
    "all_pairs",
    "ar1_half_life",
    "benjamini_hochberg",
    "crit_values",
    "engle_granger",
    "johansen",
    "merge_pair_scans",
    "pair_scan",
]
