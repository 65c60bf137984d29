"""A small certificate authority of its own: a root, a document-signing certificate, a
timestamping certificate and the root's CRL. It makes the demo certificate of `make run`
(manage.py demo_certificate) and the test CA of the test suite; it is never a real CA.

Every certificate names the organisation DEMO_ORGANIZATION, which is how the verification page
knows to say that a signature is a demonstration.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEMO_ORGANIZATION = "Rakor DEMO (bukan sertifikat resmi)"


@dataclass
class Issued:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    def pkcs12(self, *, passphrase: bytes, chain: list[x509.Certificate], name: str) -> bytes:
        encryption = (
            serialization.BestAvailableEncryption(passphrase)
            if passphrase
            else serialization.NoEncryption()
        )
        return pkcs12.serialize_key_and_certificates(
            name.encode(), self.key, self.certificate, chain, encryption
        )

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


@dataclass
class Authority:
    root: Issued
    organization: str
    crl_url: str
    revoked: list[int] = field(default_factory=list)

    def issue(
        self,
        common_name: str,
        *,
        days: int,
        timestamping: bool = False,
        starts: datetime | None = None,
    ) -> Issued:
        """A certificate for document signing (or, with `timestamping`, for a TSA) whose
        revocation is published in this authority's CRL at `crl_url`."""
        key = _new_key()
        starts = starts or datetime.now(UTC) - timedelta(hours=1)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, self.organization))
            .issuer_name(self.root.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(starts)
            .not_valid_after(starts + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(signing=not timestamping), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root.key.public_key()),
                critical=False,
            )
            .add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            full_name=[x509.UniformResourceIdentifier(self.crl_url)],
                            relative_name=None,
                            reasons=None,
                            crl_issuer=None,
                        )
                    ]
                ),
                critical=False,
            )
        )
        if timestamping:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
        return Issued(key=key, certificate=builder.sign(self.root.key, hashes.SHA256()))

    def crl(self, *, at: datetime | None = None, days: int = 30) -> bytes:
        """The CRL (DER) as published at `at` (now), valid `days` days."""
        at = at or datetime.now(UTC)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.root.certificate.subject)
            .last_update(at)
            .next_update(at + timedelta(days=days))
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root.key.public_key()),
                critical=False,
            )
            .add_extension(x509.CRLNumber(int(at.timestamp())), critical=False)
        )
        for serial in self.revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(at - timedelta(seconds=1))
                .build()
            )
        return builder.sign(self.root.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def new_authority(
    *, common_name: str, crl_url: str, organization: str = DEMO_ORGANIZATION, days: int = 3650
) -> Authority:
    key = _new_key()
    name = _name(common_name, organization)
    now = datetime.now(UTC)
    root = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signing=False, ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(
        root=Issued(key=key, certificate=root), organization=organization, crl_url=crl_url
    )


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(*, signing: bool, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
