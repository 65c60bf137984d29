"""Factories for minutes, decisions, follow-up actions and documents."""

from datetime import date

import factory

from outputs.models import Action, Decision, Minutes, MinutesSection
from tests.events.factories import MeetingFactory
from tests.members.factories import AgencyFactory


class MinutesFactory(factory.django.DjangoModelFactory[Minutes]):
    class Meta:
        model = Minutes

    meeting = factory.SubFactory(MeetingFactory)
    conclusions = "Rapat menyepakati penyusunan pedoman pelatihan pranata humas."


class MinutesSectionFactory(factory.django.DjangoModelFactory[MinutesSection]):
    class Meta:
        model = MinutesSection

    minutes = factory.SubFactory(MinutesFactory)
    title = "Arahan Sekretaris Badan"
    discussion = "Sekretaris Badan menyampaikan **pentingnya** sinergi humas antar K/L."
    position = factory.Sequence(int)


class DecisionFactory(factory.django.DjangoModelFactory[Decision]):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Iprahumas menjadi think tank kehumasan pemerintah."


class ActionFactory(factory.django.DjangoModelFactory[Action]):
    class Meta:
        model = Action

    meeting = factory.SubFactory(MeetingFactory)
    title = "Menyusun draf pedoman pelatihan pranata humas"
    responsible_agency = factory.SubFactory(AgencyFactory)
    due_date = date(2022, 1, 31)
