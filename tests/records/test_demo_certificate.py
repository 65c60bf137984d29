"""`make run` signs the demo's documents with a clearly labelled demo certificate."""

from django.core.management import call_command
from django.urls import reverse

from records.signing import demo

from .support import freeze, page_text, simple_render


def test_the_demo_certificate_signs_documents_that_say_they_are_a_demonstration(
    settings, tmp_path, client, meeting, minutes, organizer
):
    settings.VAR_DIR = tmp_path
    call_command("demo_certificate", force=True)
    again = demo.ensure_demo_certificate()  # a second `make run` keeps the same certificate
    settings.SIGNING_SERVICE = "pkcs12"
    settings.SIGNING_PKCS12 = str(again.pkcs12)
    settings.SIGNING_PKCS12_PASSPHRASE = demo.PASSPHRASE
    settings.SIGNING_TRUST_ROOTS = [str(again.root)]
    settings.SIGNING_CRLS = [str(again.crl)]
    settings.SIGNING_FETCH_REVOCATION = False
    settings.SIGNING_TSA_URL = ""
    render = simple_render()

    document = freeze(meeting, minutes, organizer, render=render)
    client.cookies["django_language"] = "en"
    text = page_text(client.get(reverse("records:verify", kwargs={"code": render.stamps[0].code})))

    assert not again.created
    assert "DEMO ONLY" in (tmp_path / "signing" / "README.txt").read_text()
    assert document.signed
    assert document.signature["demo"] is True
    assert document.signature["validation"]["valid"] is True
    assert "demo certificate: a demonstration, not a legal signature" in text
    assert "Rakor DEMO" in text
