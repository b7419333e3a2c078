"""Market regimes: Gaussian hidden Markov models (reference engine, built on hmmlearn).

Model
-----
A hidden Markov chain ``s[t]`` in ``{0, ..., K-1}`` with initial law ``startprob`` and
row-stochastic transition matrix ``transmat`` emits ``obs[t] | s[t] = k ~ N(means[k],
diag(covars[k]))`` (diagonal covariances, hmmlearn's ``covariance_type="diag"``).

Estimator
---------
Baum-Welch EM (Rabiner 1989, "A tutorial on hidden Markov models", Proc. IEEE 77(2)) exactly as
hmmlearn's ``GaussianHMM`` performs it with its default priors: flat Dirichlet priors on
``startprob``/``transmat`` (plain maximum likelihood), no prior on the means, and an
inverse-gamma prior on each variance (``covars_prior = 1e-2``, ``covars_weight = 1``) that keeps
variances away from zero. EM runs on column-standardised observations ``z = (obs - loc) /
scale`` (``loc``, ``scale`` = sample mean and standard deviation) so that this prior is a fixed
1e-2 pseudo-variance in units of the sample variance whatever the units of ``obs`` (daily
returns of ~1e-4 variance would otherwise be swamped by it); parameters are mapped back to the
units of ``obs`` before the likelihood and the state probabilities are evaluated on ``obs``.

Look-ahead and the two modes
----------------------------
The parameters of a fit are estimated on the whole sample, so ``filtered`` is *filtered given
full-sample parameters*: its forward recursion uses no observation after ``t``, but the
parameters it runs with were estimated on all of them. ``mode="walk_forward"`` adds truly
causal probabilities, :attr:`HMMResult.walk_forward`: with a training length ``window`` and a
refit interval ``refit_every``, refit ``f`` happens at row ``b_f = window + f refit_every`` on
rows ``a_f .. b_f - 1`` (``a_f = b_f - window``, or ``a_f = 0`` when ``anchored``), with the
same EM, initialisation and state order as the full fit, and its parameters filter forward
from row ``a_f`` through rows ``b_f .. e_f - 1`` (``e_f = min(b_f + refit_every, T)``), of
which those rows are kept. ``walk_forward[t]`` therefore depends on ``obs[0..t]`` only (rows
before ``window`` are NaN: no parameters exist yet). Every other field is the full-sample fit
in both modes.

EM stops after ``n_iter`` iterations or as soon as the log-likelihood gain between two
consecutive iterations falls below ``tol`` (hmmlearn's ``ConvergenceMonitor`` rule). ``n_init``
restarts from different initial parameters (:func:`hmm_initial_params`) keep the fit of highest
likelihood. Both engines use the same initialisation, so for the same starting parameters they
follow the same EM path and converge to the same fit.

Modules
-------
``results``      parameter and result types (both engines);
``bounds``       input checks and size bounds;
``estimation``   initialisation, ordering, filtering and restarts (both engines);
``walkforward``  the causal walk-forward mode;
``reference``    :func:`hmm_fit` with hmmlearn;
``native``       the native engine (numba kernels of :mod:`lab.kernels.regimes`).
"""

from lab.analytics.regimes.bounds import (
    HMM_MODES,
    MAX_HMM_REFITS,
    MAX_HMM_WORK,
    MAX_N_INIT,
    MAX_N_ITER,
    MAX_N_STATES,
)
from lab.analytics.regimes.estimation import COVARS_PRIOR, filter_probs, hmm_initial_params
from lab.analytics.regimes.reference import hmm_fit
from lab.analytics.regimes.results import HMMParams, HMMResult

__all__ = [
    "COVARS_PRIOR",
    "HMMParams",
    "HMMResult",
    "HMM_MODES",
    "MAX_HMM_REFITS",
    "MAX_HMM_WORK",
    "MAX_N_INIT",
    "MAX_N_ITER",
    "MAX_N_STATES",
    "filter_probs",
    "hmm_fit",
    "hmm_initial_params",
]
