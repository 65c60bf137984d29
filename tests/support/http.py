"""Requests as the proxy in front of gunicorn (Caddy) hands them on."""

CADDY = "172.18.0.5"  # REMOTE_ADDR of every request that came through the proxy service


def through_caddy(address: str) -> dict:
    """The test client's keywords for a request from `address` as Caddy hands it to gunicorn."""
    return {"REMOTE_ADDR": CADDY, "headers": {"X-Forwarded-For": address}}
