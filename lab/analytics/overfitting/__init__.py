"""Overfitting-aware Sharpe statistics: the Sharpe ratio's standard error under non-normal
returns, the Probabilistic and Deflated Sharpe Ratios, and the Probability of Backtest
Overfitting by combinatorially symmetric cross-validation (reference implementations on NumPy
and SciPy).

Conventions
-----------
All Sharpe ratios here are **per period** (not annualised), as in the papers, with a zero
benchmark rate unless stated: ``SR = mean(r) / std(r, ddof=1)``. The skewness ``g3`` and the
(non-excess) kurtosis ``g4`` (3 for normal returns) are the population moment ratios
``m3 / m2^1.5`` and ``m4 / m2^2`` of the central moments ``mk = mean((r - mean(r))^k)``, as
``scipy.stats.skew`` and ``scipy.stats.kurtosis(fisher=False)`` compute them and as Bailey &
Lopez de Prado use them.

The estimated Sharpe ratio of ``T`` returns is asymptotically normal with variance
(Mertens 2002; Lo 2002 for the normal case ``g3 = 0``, ``g4 = 3``, where it is
``(1 + SR^2 / 2) / T``)::

    Var[SR] = (1 - g3 SR + (g4 - 1) / 4 SR^2) / (T - 1)

with ``T - 1`` in the denominator as in Bailey & Lopez de Prado (2012, 2014). By Pearson's
inequality ``g4 >= 1 + g3^2`` the numerator is ``>= (1 - g3 SR / 2)^2 >= 0``.

References
----------
* Lo, A. W. (2002). The statistics of Sharpe ratios. Financial Analysts Journal 58(4), 36-52.
* Mertens, E. (2002). Comments on variance of the IID estimator in Lo (2002). Working paper,
  University of Basel.
* Bailey, D. H. & Lopez de Prado, M. (2012). The Sharpe ratio efficient frontier. Journal of
  Risk 15(2), 3-44.
* Bailey, D. H. & Lopez de Prado, M. (2014). The deflated Sharpe ratio: correcting for selection
  bias, backtest overfitting and non-normality. Journal of Portfolio Management 40(5), 94-107.
* Bailey, D. H., Borwein, J. M., Lopez de Prado, M. & Zhu, Q. J. (2017). The probability of
  backtest overfitting. Journal of Computational Finance 20(4), 39-69.

Modules
-------
``results``  the PBO result type (both engines);
``sharpe``   Sharpe standard error, PSR and DSR, and the shared moment helpers;
``pbo``      the probability of backtest overfitting (CSCV);
``native``   the native engine (numba kernels of :mod:`lab.kernels.overfitting`).
"""

from lab.analytics.overfitting.pbo import (
    MAX_PBO_TRIALS,
    MAX_SPLITS,
    pbo,
    sharpe_from_sums,
    split_combinations,
)
from lab.analytics.overfitting.results import PBOResult
from lab.analytics.overfitting.sharpe import (
    EULER_GAMMA,
    MAX_TRIALS,
    MIN_RETURNS,
    deflated_sharpe,
    dsr_from_moments,
    expected_max_sharpe,
    path_returns,
    probabilistic_sharpe,
    psr_from_moments,
    sharpe_moments,
    sharpe_se,
    sharpe_variance,
)

__all__ = [
    "EULER_GAMMA",
    "MAX_PBO_TRIALS",
    "MAX_SPLITS",
    "MAX_TRIALS",
    "MIN_RETURNS",
    "PBOResult",
    "deflated_sharpe",
    "dsr_from_moments",
    "expected_max_sharpe",
    "path_returns",
    "pbo",
    "probabilistic_sharpe",
    "psr_from_moments",
    "sharpe_from_sums",
    "sharpe_moments",
    "sharpe_se",
    "sharpe_variance",
    "split_combinations",
]
