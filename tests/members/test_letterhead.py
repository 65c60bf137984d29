"""The kop of an agency's letters: set by organizers, inherited by its units."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from members.letterhead import LogoInvalid, clean_logo, letterhead_for
from members.models import Agency
from tests.events.factories import MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory, OrganizerFactory, UserFactory
from tests.support.found import present

pytestmark = pytest.mark.django_db


def picture(kind: str = "PNG", size=(800, 400)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 110, 60)).save(out, format=kind)
    return out.getvalue()


def test_a_unit_prints_its_ministry_with_its_own_unit_line_and_inherits_address_and_logo():
    kemenag = AgencyFactory.create(
        name="Kementerian Agama",
        letterhead_name="Kementerian Agama Republik Indonesia",
        logo=clean_logo(picture()),
    )
    balitbang = AgencyFactory.create(
        name="Badan Litbang dan Diklat", parent=kemenag, address="Jl. M.H. Thamrin No. 6\nJakarta"
    )
    sekretariat = AgencyFactory.create(
        name="Sekretariat Badan Litbang dan Diklat",
        parent=balitbang,
        letterhead_unit="Badan Litbang dan Diklat",
    )

    kop = letterhead_for(sekretariat)

    assert kop.name == "KEMENTERIAN AGAMA REPUBLIK INDONESIA"
    assert kop.unit == "BADAN LITBANG DAN DIKLAT"
    assert kop.address == ["Jl. M.H. Thamrin No. 6", "Jakarta"]
    assert kop.logo == bytes(present(kemenag.logo))
    assert kop.logo_src.startswith("data:image/png;base64,")
    assert letterhead_for(kemenag).unit == ""


def test_a_logo_is_re_encoded_as_a_small_png_and_anything_else_refused():
    png = clean_logo(picture("JPEG", (2000, 1000)))

    with Image.open(io.BytesIO(png)) as logo:
        assert logo.format == "PNG"
        assert max(logo.size) <= 600
    for bad in (b"", b"<svg/>", b"GIF89a" + b"\0" * 40, picture() * 300):
        with pytest.raises(LogoInvalid):
            clean_logo(bad)


def test_organizers_set_the_kop_and_upload_the_logo(organizer_client, organizer, client):
    agency = AgencyFactory.create(name="Badan Pusat Statistik")
    MeetingFactory.create(host_agency=agency).organizers.add(organizer)
    url = reverse("members:letterhead", args=[agency.pk])

    page = organizer_client.get(url)
    saved = organizer_client.post(
        url,
        {
            "name": "Badan Pusat Statistik",
            "unit": "",
            "address": "Jl. Dr. Sutomo No. 6-8\nJakarta 10710",
            "logo": SimpleUploadedFile("logo.png", picture(), content_type="image/png"),
        },
    )
    refused = organizer_client.post(
        url, {"name": "", "unit": "", "address": "", "logo": SimpleUploadedFile("x.png", b"no")}
    )
    logo = organizer_client.get(reverse("members:letterhead_logo", args=[agency.pk]))
    client.force_login(UserFactory.create())

    agency = Agency.objects.get(pk=agency.pk)
    assert page.status_code == 200
    assert saved.status_code == 302
    assert agency.address == "Jl. Dr. Sutomo No. 6-8\nJakarta 10710"
    assert refused.status_code == 400
    assert logo["Content-Type"] == "image/png"
    assert logo.content == bytes(present(agency.logo))
    assert client.get(url).status_code == 403


def test_a_logo_of_more_pixels_than_a_camera_takes_is_refused_before_it_is_decoded():
    import struct
    import time
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    side = 9000  # a small file: 1-bit rows of zeros compress to almost nothing
    packer = zlib.compressobj(9)
    rows = b"".join(packer.compress(b"\x00" * (1 + side // 8)) for _ in range(side))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", rows + packer.flush())
        + chunk(b"IEND", b"")
    )

    started = time.perf_counter()
    with pytest.raises(LogoInvalid):
        clean_logo(png)

    assert len(png) < 64 * 1024
    assert time.perf_counter() - started < 0.5


def test_an_organizer_sets_no_kop_of_an_agency_they_neither_belong_to_nor_host_for(client):
    """The kop prints on another ministry's official letters: its name and logo are not for
    any organizer to change."""
    theirs = AgencyFactory.create(name="Kementerian Keuangan", address="Jl. Lapangan Banteng")
    own = AgencyFactory.create(name="Badan Pusat Statistik")
    outsider = OrganizerFactory.create()
    MemberFactory.create(agency=own, user=outsider, email=outsider.email)
    client.force_login(outsider)

    page = client.get(reverse("members:letterhead", args=[theirs.pk]))
    posted = client.post(
        reverse("members:letterhead", args=[theirs.pk]),
        {"name": "Kementerian Palsu", "unit": "", "address": "Jl. Lain"},
    )
    own_page = client.get(reverse("members:letterhead", args=[own.pk]))

    assert page.status_code == 403
    assert posted.status_code == 403
    assert Agency.objects.get(pk=theirs.pk).address == "Jl. Lapangan Banteng"
    assert own_page.status_code == 200
