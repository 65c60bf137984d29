"""Secrets in links: random (256 bits, URL-safe), never derived from ids, stored as hashes."""

import hashlib
import hmac
import re
import secrets

# new_secret() gives 43 URL-safe characters: anything far from that shape is not looked up.
SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)
