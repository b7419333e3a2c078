"""Facts both ends of the ``arblab.v1.Analytics`` wire agree on: the default address, the
message size limit and the trailing-metadata key of an unknown dataset ref.

Kept free of gRPC and protobuf imports, so that ``arblab --help`` and the backend's defaults stay
cheap to import.
"""

DEFAULT_HOST = "127.0.0.1"
"""Address the server binds and the grpc backend targets by default (loopback only)."""
DEFAULT_PORT = 50051
"""Default port of the analytics server (0 picks a free one)."""
DEFAULT_ADDRESS = f"{DEFAULT_HOST}:{DEFAULT_PORT}"
"""``host:port`` the grpc backend connects to when none is given."""
MAX_MESSAGE_BYTES = 512 * 2**20
"""Largest message the server sends and the client sends or receives (512 MiB)."""
UNKNOWN_REF_KEY = "arblab-unknown-ref"
"""Trailing-metadata key naming a dataset ref the server does not hold."""
SERVER_LOG = "lab.rpc.server"
"""Name of the analytics server's logger (one log for the service, its handlers and its
startup; ``--log-level`` sets it)."""
