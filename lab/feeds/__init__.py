"""Book feeds: one protocol (:class:`~lab.feeds.base.Feed`), one implementation per source
(simulated flow, recordings, Binance, Kraken), a local exchange simulator, and a crash-safe
recorder. No Panel here."""
