"""The personal calendar feed (events/feed.py) and the profile page that makes its link.

The feed address holds the secret: calendar apps fetch it without signing in. A forged or
replaced secret gets the same bare 404, whoever exists behind it.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from core.http import private
from core.links import open_secret_link
from members.models import Member

from . import feed


@require_GET
def calendar_feed(request, secret: str):
    member = open_secret_link(
        request, kind="feed", secret=secret, lookup=feed.member_for_feed_secret
    )
    if member is None:
        return private(HttpResponseNotFound(b"Not found\n", content_type="text/plain"))
    body = feed.build_feed(member=member, invitations=feed.feed_invitations(member=member))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="rakor.ics"'
    return private(response)


@login_required
@require_http_methods(["GET", "POST"])
def profile_calendar(request):
    """GET shows whether a link exists; POST makes a new one (the old stops working) and shows
    it, this once: only its hash is kept."""
    member = Member.objects.filter(user=request.user).first()
    context = {"member": member, "feed_url": "", "webcal_url": ""}
    if member is not None and request.method == "POST":
        secret = feed.reset_calendar_feed(member=member)
        context.update(feed_url=feed.feed_url(secret), webcal_url=feed.webcal_url(secret))
    return private(render(request, "events/profile_calendar.html", context))
