"""The remote signing adapter for BSrE's esign API, against a fake BSrE on 127.0.0.1 that
signs with the test CA's certificate, as BSrE would with the official's."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from records.models import FrozenDocument
from records.signing import SigningFailed
from records.signing.local import Pkcs12Signer

from .pki import PASSPHRASE
from .support import freeze

CLIENT = ("esign-rakor", "rahasia-klien")
NIK, OFFICIAL_PASSPHRASE = "3171234567890001", "kata-sandi-pejabat"


@pytest.fixture
def fake_bsre(test_pki, tsa_server):  # noqa: ARG001 (requested for its effect)
    files = test_pki.write()
    official = Pkcs12Signer(
        pkcs12_data=Path(files["pkcs12"]).read_bytes(),
        passphrase=PASSPHRASE,
        crl_files=[files["crl"]],
        fetch_revocation=False,
    )
    calls = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            calls.append({"path": self.path, "auth": self.headers["Authorization"], **body})
            expected_auth = "Basic " + base64.b64encode(":".join(CLIENT).encode()).decode()
            if self.headers["Authorization"] != expected_auth:
                return self.answer(401, {"status_code": 401, "error": "Unauthorized"})
            if body.get("passphrase") != OFFICIAL_PASSPHRASE:
                return self.answer(400, {"status_code": 2031, "error": "Passphrase anda salah"})
            properties = body["signatureProperties"][0]
            signed = official.sign(
                base64.b64decode(body["file"][0]),
                reason=properties["reason"],
                location=properties["location"],
            )
            self.answer(200, {"file": [base64.b64encode(signed.pdf).decode()], "time": 420})

        def answer(self, status, payload):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "calls": calls, "files": files}
    server.shutdown()
    server.server_close()


@pytest.fixture
def bsre_settings(settings, fake_bsre):
    settings.SIGNING_SERVICE = "bsre"
    settings.SIGNING_BSRE_URL = fake_bsre["url"]
    settings.SIGNING_BSRE_USER, settings.SIGNING_BSRE_PASSWORD = CLIENT
    settings.SIGNING_BSRE_NIK = NIK
    settings.SIGNING_BSRE_PASSPHRASE = OFFICIAL_PASSPHRASE
    settings.SIGNING_TRUST_ROOTS = [fake_bsre["files"]["root"]]
    return settings


@pytest.mark.usefixtures("bsre_settings")
def test_the_adapter_sends_bsres_documented_call_and_stores_what_comes_back(
    fake_bsre, meeting, minutes, organizer
):
    document = freeze(meeting, minutes, organizer)

    (call,) = fake_bsre["calls"]
    assert call["path"] == "/api/v2/sign/pdf"
    assert call["nik"] == NIK
    assert call["signatureProperties"][0]["tampilan"] == "INVISIBLE"
    assert call["signatureProperties"][0]["reason"] == "Notulen Rapat Koordinasi, versi 1"
    assert base64.b64decode(call["file"][0]).startswith(b"%PDF-")
    stored = document.pdf_bytes()
    assert PdfFileReader(BytesIO(stored)).embedded_regular_signatures
    assert document.signed
    assert document.signature["service"] == "bsre"
    assert document.signature["validation"]["valid"] is True


@pytest.mark.usefixtures("bsre_settings")
def test_a_refusal_freezes_nothing_and_tells_why(settings, meeting, minutes, organizer):
    settings.SIGNING_BSRE_PASSPHRASE = "salah"

    with pytest.raises(SigningFailed, match="Passphrase anda salah"):
        freeze(meeting, minutes, organizer)
    assert not FrozenDocument.objects.exists()


@pytest.mark.usefixtures("bsre_settings")
def test_a_service_that_cannot_be_reached_freezes_nothing(settings, meeting, minutes, organizer):
    settings.SIGNING_BSRE_URL = "http://127.0.0.1:9"
    settings.SIGNING_TIMEOUT = 2

    with pytest.raises(SigningFailed):
        freeze(meeting, minutes, organizer)
    assert not FrozenDocument.objects.exists()


def test_the_adapter_is_off_unless_chosen(settings, meeting, minutes, organizer):
    assert settings.SIGNING_SERVICE == ""

    assert not freeze(meeting, minutes, organizer).signed
