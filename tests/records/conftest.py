import pytest

from tests.events.factories import MeetingFactory
from tests.outputs.factories import MinutesFactory


@pytest.fixture
def meeting(db, organizer):  # noqa: ARG001 (requested for its effect)
    meeting = MeetingFactory.create(sessions=2)
    meeting.organizers.add(organizer)
    return meeting


@pytest.fixture
def minutes(meeting):
    return MinutesFactory.create(meeting=meeting)


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
    test_pki.configure(settings, tsa_url=tsa_server.url)
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
