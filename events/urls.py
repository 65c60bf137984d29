from django.urls import path

from . import (
    answer_views,
    feed_views,
    invitation_views,
    invite_views,
    letter_views,
    my_views,
    registration_views,
    seat_views,
    views,
)

app_name = "events"
urlpatterns: list = []

# Organizer pages of meetings (events/views.py).
urlpatterns += [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/publish/", views.meeting_publish, name="meeting_publish"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/finish/", views.meeting_finish, name="meeting_finish"),
    path(
        "meetings/<int:pk>/organizers/", views.meeting_add_organizer, name="meeting_add_organizer"
    ),
    path("meetings/<int:pk>/invitations/", views.meeting_invitations, name="meeting_invitations"),
    path(
        "meetings/<int:pk>/invitations.<str:file_format>",
        views.meeting_invitations_export,
        name="meeting_invitations_export",
    ),
]

# Inviting and delivery progress (events/invite_views.py).
urlpatterns += [
    path("meetings/<int:pk>/invite/", invite_views.meeting_invite, name="meeting_invite"),
    path(
        "meetings/<int:pk>/invite/search/",
        invite_views.meeting_invite_search,
        name="meeting_invite_search",
    ),
    path(
        "meetings/<int:pk>/invite/summary/",
        invite_views.meeting_invite_summary,
        name="meeting_invite_summary",
    ),
    path("meetings/<int:pk>/delivery/", invite_views.meeting_delivery, name="meeting_delivery"),
]

# The answer link in invitation emails (events/answer_views.py).
urlpatterns += [
    path("a/<str:secret>/", answer_views.answer, name="answer"),
    path("a/<str:secret>/calendar.ics", answer_views.answer_calendar, name="answer_calendar"),
    path("a/<str:secret>/seat/", seat_views.take_seat, name="take_seat"),
    path("my/invitations/<int:invitation_pk>/answer/", my_views.my_answer, name="my_answer"),
]

# Organizer actions on one invitation (events/invitation_views.py).
urlpatterns += [
    path(
        "meetings/<int:pk>/invitations/<int:invitation_pk>/withdraw/",
        invitation_views.withdraw_invitation,
        name="invitation_withdraw",
    ),
    path(
        "meetings/<int:pk>/representations/<int:representation_pk>/grant/",
        invitation_views.representation_grant,
        name="representation_grant",
    ),
]

# Registration through the public page, organizers deciding (events/registration_views.py).
urlpatterns += [
    path("r/<str:code>/", registration_views.register, name="register"),
    path("r/<str:code>/confirm/", registration_views.register_confirm, name="register_confirm"),
    path("r/<str:code>/done/", registration_views.register_done, name="register_done"),
    path(
        "meetings/<int:pk>/registrations/",
        registration_views.meeting_registrations,
        name="meeting_registrations",
    ),
    path(
        "meetings/<int:pk>/registrations/<int:registration_pk>/approve/",
        registration_views.registration_approve,
        name="registration_approve",
    ),
    path(
        "meetings/<int:pk>/registrations/<int:registration_pk>/reject/",
        registration_views.registration_reject,
        name="registration_reject",
    ),
]

# The personal calendar feed and the profile page that makes its link (events/feed_views.py).
urlpatterns += [
    path("calendar/<str:secret>.ics", feed_views.calendar_feed, name="calendar_feed"),
    path("profile/calendar/", feed_views.profile_calendar, name="profile_calendar"),
]

# The surat undangan (events/letter_views.py).
urlpatterns += [
    path("meetings/<int:pk>/letter/", letter_views.letter, name="letter"),
    path(
        "meetings/<int:pk>/letter/preview.<str:file_format>",
        letter_views.letter_preview,
        name="letter_preview",
    ),
    path("meetings/<int:pk>/letter/final/", letter_views.letter_finalise, name="letter_finalise"),
    path("meetings/<int:pk>/letter/upload/", letter_views.letter_upload, name="letter_upload"),
    path("meetings/<int:pk>/letter/ralat/", letter_views.letter_ralat, name="letter_ralat"),
]
