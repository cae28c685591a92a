"""How strong ZEN_AUTH_TOKEN must be before the server listens beyond loopback.

On a network the bearer token is all that stands between anyone who can reach the port and
the configured provider keys. A token shorter than ``MIN_NETWORK_TOKEN_CHARS`` refuses to
start; one that is long but repetitive (low estimated entropy: ``aaaa...``, ``abab...``,
a word repeated) starts with a warning naming the fix.
"""

from __future__ import annotations

import logging
import math
from collections import Counter

from zen_server.errors import ConfigurationError

logger = logging.getLogger(__name__)

MIN_NETWORK_TOKEN_CHARS = 32
# Below this many bits (Shannon estimate over the token's own characters) a warning is logged.
LOW_ENTROPY_BITS = 96
MAKE_ONE = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


def estimated_entropy_bits(token: str) -> float:
    """Shannon entropy of the token's characters times its length: a cheap guessability signal."""
    if not token:
        return 0.0
    counts = Counter(token)
    per_char = -sum(n / len(token) * math.log2(n / len(token)) for n in counts.values())
    return per_char * len(token)


def check_network_token(token: str, host: str) -> None:
    """Refuse a short token for a network bind; warn about a low-entropy one."""
    if len(token) < MIN_NETWORK_TOKEN_CHARS:
        raise ConfigurationError(
            f"ZEN_AUTH_TOKEN is {len(token)} characters; listening on {host} needs at least "
            f"{MIN_NETWORK_TOKEN_CHARS} random characters. Make one with: {MAKE_ONE}"
        )
    bits = estimated_entropy_bits(token)
    if bits < LOW_ENTROPY_BITS:
        logger.warning(
            "ZEN_AUTH_TOKEN looks guessable (about %.0f bits of entropy, want %d or more) while listening "
            "on %s; replace it with a random one: %s",
            bits,
            LOW_ENTROPY_BITS,
            host,
            MAKE_ONE,
        )


__all__ = ["LOW_ENTROPY_BITS", "MIN_NETWORK_TOKEN_CHARS", "check_network_token", "estimated_entropy_bits"]
