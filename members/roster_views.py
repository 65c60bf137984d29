from django.http import HttpResponse

from .permissions import organizer_required


@organizer_required
def import_roster(request):
    return HttpResponse("TODO")
