"""Who may call the analytics server: the bearer-token interceptor and the token strength rule.

With a token configured, every call except the health check must carry ``authorization:
Bearer <token>``; otherwise it is answered ``UNAUTHENTICATED``. A token must carry at least
:data:`MIN_TOKEN_BITS` of estimated entropy (:func:`token_bits`).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from typing import Any

import grpc

from lab.rpc.handlers import deny
from lab.rpc.wire import SERVER_LOG

log = logging.getLogger(SERVER_LOG)


class BearerTokenInterceptor(grpc.ServerInterceptor):
    """Require ``authorization: Bearer <token>`` on every call except the health check."""

    EXEMPT = ("/grpc.health.v1.Health/",)

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("the bearer token must not be empty")
        self._expected = f"Bearer {token}".encode()

    def intercept_service(self, continuation: Callable, handler_call_details: Any) -> Any:
        method = handler_call_details.method
        if method.startswith(self.EXEMPT):
            return continuation(handler_call_details)
        given = None
        for key, value in handler_call_details.invocation_metadata or ():
            if key == "authorization":
                given = value.encode() if isinstance(value, str) else value
                break
        if given is not None and hmac.compare_digest(given, self._expected):
            return continuation(handler_call_details)
        reason = (
            "missing 'authorization: Bearer <token>' metadata"
            if given is None
            else "wrong bearer token"
        )
        log.debug("%s status=UNAUTHENTICATED (%s)", method, reason)
        return deny(continuation(handler_call_details), grpc.StatusCode.UNAUTHENTICATED, reason)


MIN_TOKEN_BITS = 128
"""Least estimated entropy of a bearer token (``secrets.token_hex(16)`` has exactly 128)."""
_CHAR_CLASSES = (
    ("0123456789abcdef", 16),
    ("0123456789", 10),
    ("abcdefghijklmnopqrstuvwxyz", 26),
    ("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 26),
)


def token_bits(token: str) -> float:
    """Estimated entropy of ``token`` in bits (an upper estimate of a random token's).

    The smaller of (a) its length times log2 of the alphabet it draws from (the smallest union
    of the classes hex, digits, lower case, upper case and other printable characters that
    covers it) and (b) the bits left after compressing it (zlib, less its 8 bytes of framing),
    so that repeated patterns such as ``"abab..."`` score low however long they are.
    """
    import math
    import zlib

    chars = set(token)
    if len(chars) <= 1:
        return 0.0
    if chars <= set("0123456789abcdef") or chars <= set("0123456789ABCDEF"):
        alphabet = 16
    else:
        alphabet, rest = 0, set(chars)
        for members, size in _CHAR_CLASSES[1:]:
            if rest & set(members):
                alphabet += size
                rest -= set(members)
        alphabet += 33 if rest else 0
    by_alphabet = len(token) * math.log2(alphabet)
    by_compression = 8.0 * (len(zlib.compress(token.encode(), 9)) - 8)
    return max(0.0, min(by_alphabet, by_compression))


def check_token(token: str) -> None:
    """Raise ValueError for a bearer token with less than :data:`MIN_TOKEN_BITS` of entropy."""
    bits = token_bits(token)
    if bits < MIN_TOKEN_BITS:
        raise ValueError(
            f"the bearer token is too weak: about {bits:.0f} bits of entropy, at least "
            f"{MIN_TOKEN_BITS} needed (e.g. python -c 'import secrets; print(secrets.token_hex(16))')"
        )
