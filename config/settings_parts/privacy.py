"""Personal data: who answers for it in the privacy notice, how long each class of it is kept,
and the "Data saya" link."""

from datetime import timedelta
from email.utils import parseaddr

from config.settings_parts.environment import env
from config.settings_parts.mail import DEFAULT_FROM_EMAIL

# The privacy notice (privacy/): who answers for personal data when the host agency has no
# contact of its own set by staff (UU 27/2022 Art. 5 and 21).
PRIVACY_CONTROLLER = env.str("PRIVACY_CONTROLLER", default="")
PRIVACY_CONTACT = env.str(
    "PRIVACY_CONTACT", default=parseaddr(DEFAULT_FROM_EMAIL)[1] or "rakor@localhost"
)
PRIVACY_DPO_NAME = env.str("PRIVACY_DPO_NAME", default="")
PRIVACY_DPO_EMAIL = env.str("PRIVACY_DPO_EMAIL", default="")

# Retention of personal data per class (personal_data.services.retention; README "Personal
# data"). Where the daftar hadir's live copies wait for the archive retention of financial
# records (SPJ, Perka ANRI 6/2013: active and inactive years counted from the end of the
# budget year, 10 in total in the common schedules), RETENTION_FINANCIAL_RECORD_YEARS.
RETENTION = {
    "unconfirmed_registrations": timedelta(
        days=env.float("RETENTION_UNCONFIRMED_REGISTRATION_DAYS", default=7)
    ),
    "sign_in_codes": timedelta(hours=env.float("RETENTION_SIGN_IN_CODE_HOURS", default=24)),
    "email_bodies": timedelta(days=env.float("RETENTION_EMAIL_BODY_DAYS", default=30)),
    "scan_audit": timedelta(days=env.float("RETENTION_SCAN_AUDIT_DAYS", default=730)),
    "signatures_photos": timedelta(days=env.float("RETENTION_SIGNATURE_PHOTO_DAYS", default=730)),
    "phone_numbers": timedelta(days=env.float("RETENTION_PHONE_DAYS", default=90)),
    "online_report_drafts": timedelta(
        days=env.float("RETENTION_ONLINE_REPORT_DRAFT_DAYS", default=7)
    ),
    "access_log": timedelta(days=env.float("RETENTION_ACCESS_LOG_DAYS", default=730)),
    "inactive_members": timedelta(days=env.float("RETENTION_INACTIVE_MEMBER_DAYS", default=1095)),
    "financial_records": timedelta(
        days=365 * env.float("RETENTION_FINANCIAL_RECORD_YEARS", default=10)
    ),
}
# Minutes a "Data saya" link sent on request opens the person's data.
DATA_LINK_MINUTES = env.int("DATA_LINK_MINUTES", default=60)
