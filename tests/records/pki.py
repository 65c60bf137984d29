"""A test CA for signatures, built at test time (no key is committed): a root, a signing
certificate, a timestamping certificate, the root's CRL, and an RFC 3161 timestamp server and
a CRL server on 127.0.0.1, each in a thread."""

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding

from records.signing.authority import Authority, Issued, new_authority

from .tsa import TimestampAuthority

PASSPHRASE = "rahasia-uji"


def asn1(issued: Issued) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(issued.certificate.public_bytes(Encoding.DER))


class _Server:
    def __init__(self, handler) -> None:
        self.handler = handler  # its class attributes count the requests (bench/records.py)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def timestamp_server(authority: Authority, tsa: Issued) -> _Server:
    """An RFC 3161 server answering every request with a token signed by `tsa`."""
    stamper = TimestampAuthority(key=tsa.key, certificate=asn1(tsa), chain=[asn1(authority.root)])

    class Handler(BaseHTTPRequestHandler):
        requests = 0
        seconds = 0.0  # spent answering, for the benchmark to tell apart

        def do_POST(self):
            started = time.perf_counter()
            Handler.requests += 1
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            answer = stamper.answer(request).dump()
            Handler.seconds += time.perf_counter() - started
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = _Server(Handler)
    return server


@dataclass
class Pki:
    authority: Authority
    signer: Issued
    tsa: Issued
    folder: Path

    def write(self, *, signer: Issued | None = None, passphrase: str = PASSPHRASE) -> dict:
        """The files the settings name: the PKCS#12 of `signer` (default: the usual one), the
        root's PEM and its CRL as published now."""
        signer = signer or self.signer
        p12 = self.folder / f"signer-{signer.certificate.serial_number}.p12"
        p12.write_bytes(
            signer.pkcs12(
                passphrase=passphrase.encode(),
                chain=[self.authority.root.certificate],
                name="signer",
            )
        )
        root = self.folder / "root.pem"
        root.write_bytes(self.authority.root.pem())
        crl = self.folder / "root.crl"
        crl.write_bytes(self.authority.crl(at=datetime.now(UTC) - timedelta(minutes=5)))
        return {"pkcs12": str(p12), "root": str(root), "crl": str(crl)}

    def configure(self, settings, *, tsa_url: str = "") -> dict:
        """Point `settings` at this CA: frozen documents are signed with its certificate,
        B-LTA when `tsa_url` names its timestamp server. Returns the files written."""
        files = self.write()
        settings.SIGNING_SERVICE = "pkcs12"
        settings.SIGNING_PKCS12 = files["pkcs12"]
        settings.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE
        settings.SIGNING_TSA_URL = tsa_url
        settings.SIGNING_TRUST_ROOTS = [files["root"]]
        settings.SIGNING_CRLS = [files["crl"]]
        settings.SIGNING_FETCH_REVOCATION = False
        settings.SIGNING_REVOCATION_MODE = "hard-fail"
        return files


def new_test_pki(folder: Path) -> Pki:
    authority = new_authority(
        common_name="Rakor Test Root CA", crl_url="http://127.0.0.1:9/test-root.crl"
    )
    return Pki(
        authority=authority,
        signer=authority.issue("Sekretariat Balitbang Diklat (uji)", days=365),
        tsa=authority.issue("Rakor Test TSA", days=3650, timestamping=True),
        folder=folder,
    )
