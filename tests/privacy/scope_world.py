"""The privacy scope tests' constants: the directory, its columns, the invitee's NIP."""

from django.urls import reverse

DIRECTORY = reverse("members:directory")
NAME, EMAIL, NIP, AGENCY, WORK_UNIT, POSITION, RANK, PHONE, ACCOUNT = range(9)
SITI_NIP = "198503152010012001"
