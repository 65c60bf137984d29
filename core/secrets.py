"""Secrets in links: random (256 bits, URL-safe), never derived from ids, stored as hashes.

A link's secret is found by the SHA-256 of what the address holds, through the unique index on
the stored hash: the database compares digests of guesses, never the secret itself, so the
time a lookup takes tells nothing about any stored secret, and a copy of the database opens no
link. Keyed hashing is not needed: a 256-bit random secret cannot be found from its digest.
"""

import hashlib
import re
import secrets

# new_secret() gives 43 URL-safe characters: anything far from that shape is not looked up.
SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def lookup_hash(secret: str | None) -> str | None:
    """The hash to look `secret` up by, or None when it does not have a secret's shape (then
    nothing is looked up: it cannot be one)."""
    if not secret or not SECRET_SHAPE.fullmatch(secret):
        return None
    return hash_secret(secret)
