import pytest

from tests.events.factories import MeetingFactory
from tests.outputs.factories import MinutesFactory


@pytest.fixture
def meeting(db, organizer):
    meeting = MeetingFactory(sessions=2)
    meeting.organizers.add(organizer)
    return meeting


@pytest.fixture
def minutes(meeting):
    return MinutesFactory(meeting=meeting)


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory):
    from .pki import new_test_pki

    return new_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def tsa_server(test_pki):
    from .pki import timestamp_server

    server = timestamp_server(test_pki.authority, test_pki.tsa)
    yield server
    server.stop()


@pytest.fixture
def signing(settings, test_pki, tsa_server):
    """Frozen documents are signed with the test CA's certificate, B-LTA with its TSA."""
    from .pki import PASSPHRASE

    files = test_pki.write()
    settings.SIGNING_SERVICE = "pkcs12"
    settings.SIGNING_PKCS12 = files["pkcs12"]
    settings.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE
    settings.SIGNING_TSA_URL = tsa_server.url
    settings.SIGNING_TRUST_ROOTS = [files["root"]]
    settings.SIGNING_CRLS = [files["crl"]]
    settings.SIGNING_FETCH_REVOCATION = False
    settings.SIGNING_REVOCATION_MODE = "hard-fail"
    return test_pki


@pytest.fixture
def file_storages(tmp_path, monkeypatch):
    """Bundles and meeting documents in this test's own folders (the fields hold their storage
    from start-up)."""
    from django.core.files.storage import FileSystemStorage

    from outputs.models import Document
    from records.models import RecordBundle

    for model, folder in ((RecordBundle, "records"), (Document, "documents")):
        monkeypatch.setattr(
            model._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path / folder)
        )
    return tmp_path
