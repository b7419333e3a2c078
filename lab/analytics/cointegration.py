"""cointegration: reference implementation (placeholder; being written)."""


def adf(x, maxlag=None, regression="c", autolag="aic"):
    raise NotImplementedError("adf")


def engle_granger(y, x, trend="c", maxlag=None, autolag="aic"):
    raise NotImplementedError("engle_granger")


def johansen(prices, det_order=0, k_ar_diff=1):
    raise NotImplementedError("johansen")


def pair_scan(prices, trend="c", maxlag=None, autolag="aic"):
    raise NotImplementedError("pair_scan")
