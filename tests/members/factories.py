import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from members.models import Agency, Member, User
from members.permissions import ORGANIZER_GROUP


class AgencyFactory(factory.django.DjangoModelFactory[Agency]):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Kementerian Contoh {n}")
    acronym = factory.Sequence(lambda n: f"KC{n}")
    kind = Agency.Kind.MINISTRY


class MemberFactory(factory.django.DjangoModelFactory[Member]):
    class Meta:
        model = Member

    full_name = factory.Faker("name", locale="id_ID")
    email = factory.Sequence(lambda n: f"pegawai{n}@instansi.go.id")
    nip = factory.Sequence(lambda n: f"19850315201001{(n % 2) + 1}{n % 1000:03d}")
    position = "Pranata Humas Ahli Muda"
    rank = "III/c"
    work_unit = "Biro Hubungan Masyarakat"
    phone = "+6281234567890"
    agency = factory.SubFactory(AgencyFactory)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@instansi.go.id")
    name = factory.Faker("name", locale="id_ID")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):  # noqa: ARG002 (factory_boy's post-generation signature)
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


def _organizer_group(user: User, create: bool, _extracted, **_kwargs) -> None:
    if create:
        group, _ = Group.objects.get_or_create(name=ORGANIZER_GROUP)
        user.groups.add(group)


class OrganizerFactory(UserFactory):
    organizer_group = factory.PostGeneration(_organizer_group)
