"""An RFC 3161 timestamp authority for the tests and bench/records.py: it answers a request
with a token signed by its certificate, keeping its key loaded as a real timestamp server does.
(pyHanko's DummyTimeStamper loads its key again for every token, 46 ms for an RSA key, which
bench/records.py, whose server runs in its own process's thread, would count as Rakor's time.)"""

import hashlib
import secrets
from datetime import UTC, datetime

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute

POLICY = "2.999.3161"  # under the OID arc kept for examples: a test policy


class TimestampAuthority:
    def __init__(
        self,
        *,
        key: RSAPrivateKey,
        certificate: asn1_x509.Certificate,
        chain: list[asn1_x509.Certificate],
    ) -> None:
        self.key = key
        self.certificate = certificate
        self.chain = chain

    def answer(self, request: tsp.TimeStampReq) -> tsp.TimeStampResp:
        now = datetime.now(UTC)
        info = {
            "version": "v1",
            "policy": POLICY,
            "message_imprint": request["message_imprint"],
            "serial_number": secrets.randbits(63),
            "gen_time": now,
            "tsa": asn1_x509.GeneralName(name="directory_name", value=self.certificate.subject),
        }
        if request["nonce"].native is not None:
            info["nonce"] = request["nonce"]
        content = tsp.TSTInfo(info).dump()
        attributes = cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),
                simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(now)})),
                simple_cms_attribute(
                    "signing_certificate_v2", as_signing_certificate_v2(self.certificate)
                ),
                simple_cms_attribute("message_digest", hashlib.sha256(content).digest()),
            ]
        )
        digest = algos.DigestAlgorithm({"algorithm": "sha256"})
        signer = cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier(
                    name="issuer_and_serial_number",
                    value=cms.IssuerAndSerialNumber(
                        {
                            "issuer": self.certificate.issuer,
                            "serial_number": self.certificate.serial_number,
                        }
                    ),
                ),
                "digest_algorithm": digest,
                "signature_algorithm": algos.SignedDigestAlgorithm(
                    {"algorithm": "rsassa_pkcs1v15"}
                ),
                "signed_attrs": attributes,
                "signature": self.key.sign(attributes.dump(), PKCS1v15(), hashes.SHA256()),
            }
        )
        token = cms.SignedData(
            {
                "version": "v3",
                "digest_algorithms": [digest],
                "encap_content_info": {
                    "content_type": "tst_info",
                    "content": cms.ParsableOctetString(content),
                },
                "certificates": [self.certificate, *self.chain],
                "signer_infos": [signer],
            }
        )
        return tsp.TimeStampResp(
            {
                "status": {"status": "granted"},
                "time_stamp_token": {"content_type": "signed_data", "content": token},
            }
        )
