from django.http import HttpResponse

from members.permissions import organizer_required


@organizer_required
def message_list(request):
    return HttpResponse("TODO")
