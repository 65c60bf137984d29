"""Electronic signatures of frozen documents (records/signing)."""

from config.settings_parts.environment import env

# Electronic signatures of frozen documents (records/signing): a PKCS#12 file and its
# passphrase sign on this server with pyHanko; an RFC 3161 timestamp server makes them PAdES
# B-LTA. SIGNING_SERVICE "" freezes documents unsigned. See the README's "Signatures".
SIGNING_PKCS12 = env.str("SIGNING_PKCS12", default="")
SIGNING_PKCS12_PASSPHRASE = env.str("SIGNING_PKCS12_PASSPHRASE", default="")
SIGNING_SERVICE = env.str("SIGNING_SERVICE", default="pkcs12" if SIGNING_PKCS12 else "")
SIGNING_TSA_URL = env.str("SIGNING_TSA_URL", default="")
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])
SIGNING_CRLS = env.list("SIGNING_CRLS", default=[])
SIGNING_FETCH_REVOCATION = env.bool("SIGNING_FETCH_REVOCATION", default=True)
SIGNING_REVOCATION_MODE = env.str("SIGNING_REVOCATION_MODE", default="hard-fail")
SIGNING_TIMEOUT = env.int("SIGNING_TIMEOUT", default=20)
# BSrE's esign client service (remote signing), shipped disabled: SIGNING_SERVICE=bsre.
SIGNING_BSRE_URL = env.str("SIGNING_BSRE_URL", default="")
SIGNING_BSRE_USER = env.str("SIGNING_BSRE_USER", default="")
SIGNING_BSRE_PASSWORD = env.str("SIGNING_BSRE_PASSWORD", default="")
SIGNING_BSRE_NIK = env.str("SIGNING_BSRE_NIK", default="")
SIGNING_BSRE_PASSPHRASE = env.str("SIGNING_BSRE_PASSPHRASE", default="")
