"""A long table's page navigation is named in the page's language and keeps its links."""

import re

import pytest
from django.urls import reverse

from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_directory_pages_are_named_in_indonesian_and_link_to_each_page(client):
    client.force_login(UserFactory.create(is_staff=True))
    for number in range(60):
        MemberFactory.create(full_name=f"Pegawai {number:02d}")

    page = client.get(reverse("members:directory"), {"page": 2}).content.decode()

    assert '<nav aria-label="Halaman tabel">' in page
    assert "Table navigation" not in page
    assert re.search(r'href="\?page=1"[^>]*>\s*<span aria-hidden="true">&laquo;</span>', page)
    assert re.search(r'href="\?page=3"', page)
