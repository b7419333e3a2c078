"""regimes: reference implementation (placeholder; being written)."""


def hmm_fit(obs, n_states, n_iter=100, tol=1e-6, seed=0, n_init=1):
    raise NotImplementedError("hmm_fit")
