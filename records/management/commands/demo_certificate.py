from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from records.signing import demo


class Command(BaseCommand):
    help = (
        "Create (or renew) the DEMO signing certificate under VAR_DIR/signing/ that `make run` "
        "signs the demo's documents with. Never for a real server."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not (settings.DEBUG or force):
            raise CommandError(
                _("DEBUG is off: the demo certificate is not for a real server. Add --force.")
            )
        files = demo.ensure_demo_certificate()
        self.stdout.write(
            (
                _("Demo signing certificate created in %(folder)s.")
                if files.created
                else _("Demo signing certificate in %(folder)s is still valid.")
            )
            % {"folder": files.folder}
        )
        self.stdout.write(
            _("DEMO ONLY: documents signed with it say so on their verification page.")
        )
        self.stdout.write(
            f"SIGNING_PKCS12={files.pkcs12} SIGNING_PKCS12_PASSPHRASE={demo.PASSPHRASE} "
            f"SIGNING_TRUST_ROOTS={files.root} SIGNING_CRLS={files.crl} "
            "SIGNING_FETCH_REVOCATION=false"
        )
