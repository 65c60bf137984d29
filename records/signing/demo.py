"""The demo certificate of `make run`: a demo CA, its signing certificate and CRL under
VAR_DIR/signing/, every name saying DEMO, so the demo's frozen documents are signed and the
verification page says the signature is a demonstration. Never for a real server."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings

from .authority import DEMO_ORGANIZATION, Authority, Issued, new_authority

PASSPHRASE = "rakor-demo"  # noqa: S105 (public on purpose: a demo, labelled as such)
SIGNER_DAYS = 730
CRL_DAYS = 90
RENEW_BEFORE = timedelta(days=30)

NOTICE = """DEMO ONLY - NOT A REAL CERTIFICATE AUTHORITY
These files were made by `python manage.py demo_certificate` (run by `make run`) so that the
demo's frozen documents are signed. Every certificate here names the organisation
"{organization}"; the verification page shows such signatures as a demonstration.
The CA's key (demo-ca-key.pem) is here only to re-issue the demo CRL. Never use these files on
a real server: configure SIGNING_PKCS12 with a certificate from a real CA (see the README).
"""


@dataclass(frozen=True)
class DemoFiles:
    folder: Path
    pkcs12: Path
    root: Path
    crl: Path
    created: bool


def folder() -> Path:
    return Path(settings.VAR_DIR) / "signing"


def ensure_demo_certificate() -> DemoFiles:
    """The demo files, made when missing or when the signing certificate expires within
    RENEW_BEFORE (a renewal keeps the CA, so documents signed before still validate); the CRL
    is issued again each time."""
    where = folder()
    where.mkdir(parents=True, exist_ok=True)
    files = DemoFiles(
        folder=where,
        pkcs12=where / "demo-signer.p12",
        root=where / "demo-ca.pem",
        crl=where / "demo-ca.crl",
        created=False,
    )
    authority = _load_authority(where)
    created = authority is None
    if authority is None:
        authority = new_authority(
            common_name="Rakor DEMO Root CA", crl_url=f"{settings.SITE_URL}/demo-ca.crl"
        )
        (where / "demo-ca-key.pem").write_bytes(
            authority.root.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        files.root.write_bytes(authority.root.pem())
    if created or _expires_soon(files.pkcs12):
        signer = authority.issue("Rakor DEMO - penandatangan dokumen", days=SIGNER_DAYS)
        files.pkcs12.write_bytes(
            signer.pkcs12(
                passphrase=PASSPHRASE.encode(), chain=[authority.root.certificate], name="demo"
            )
        )
        created = True
    files.crl.write_bytes(authority.crl(days=CRL_DAYS))
    (where / "README.txt").write_text(NOTICE.format(organization=DEMO_ORGANIZATION))
    for path in where.iterdir():
        path.chmod(0o600)
    return DemoFiles(**{**files.__dict__, "created": created})


def _load_authority(where: Path) -> Authority | None:
    key_file, root_file = where / "demo-ca-key.pem", where / "demo-ca.pem"
    if not (key_file.exists() and root_file.exists()):
        return None
    root = x509.load_pem_x509_certificate(root_file.read_bytes())
    if root.not_valid_after_utc - RENEW_BEFORE < datetime.now(UTC):
        return None
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        return None
    crl_url = f"{settings.SITE_URL}/demo-ca.crl"
    return Authority(
        root=Issued(key=key, certificate=root), organization=DEMO_ORGANIZATION, crl_url=crl_url
    )


def _expires_soon(path: Path) -> bool:
    if not path.exists():
        return True
    _key, certificate, _chain = pkcs12.load_key_and_certificates(
        path.read_bytes(), PASSPHRASE.encode()
    )
    return certificate is None or certificate.not_valid_after_utc - RENEW_BEFORE < datetime.now(UTC)
