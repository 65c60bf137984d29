from django.http import HttpResponse

from .permissions import organizer_required


@organizer_required
def directory(request):
    return HttpResponse("TODO")
