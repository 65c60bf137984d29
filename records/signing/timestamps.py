"""RFC 3161 timestamps over HTTP(S) with the standard library: pyHanko's HTTP client opens an
aiohttp session, with a new TLS context, for every request (0.15 s each, two per document);
this one keeps one TLS context for the process."""

import ssl
import urllib.error
import urllib.request
from functools import lru_cache

from asn1crypto import tsp
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError

CONTENT_TYPE = "application/timestamp-reply"


@lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()


class UrllibTimeStamper(TimeStamper):
    def __init__(self, url: str, *, timeout: int = 20) -> None:
        if not url.startswith(("https://", "http://")):
            raise ValueError("The timestamp server must be an http(s):// address.")
        super().__init__()
        self.url, self.timeout = url, timeout

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked in __init__)
            self.url,
            data=req.dump(),
            method="POST",
            headers={"Content-Type": "application/timestamp-query", "Accept": CONTENT_TYPE},
        )
        context = _tls() if self.url.startswith("https://") else None
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=self.timeout, context=context
            ) as response:
                if response.headers.get_content_type() != CONTENT_TYPE:
                    raise TimestampRequestError(
                        f"The timestamp server answered {response.headers.get_content_type()}"
                    )
                return tsp.TimeStampResp.load(response.read())
        except (OSError, ValueError) as error:
            raise TimestampRequestError("Error while contacting the timestamp server") from error
