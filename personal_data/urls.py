from django.urls import path

from . import staff_views, views

app_name = "personal_data"
urlpatterns = [
    # The person's own data ("Data saya").
    path("data-saya/", views.mine, name="mine"),
    path("data-saya/link/", views.request_link, name="request_link"),
    path("data-saya/buka/<str:secret>/", views.open_link, name="open_link"),
    path("data-saya/unduh.<str:file_format>", views.export, name="export"),
    path("data-saya/koreksi/", views.correct, name="correct"),
    path("data-saya/permintaan/", views.ask, name="ask"),
    path("data-saya/keluar/", views.leave, name="leave"),
    # Staff: the access log, the requests with their deadline, the destruction log.
    path("pdp/log-akses/", staff_views.access_log, name="access_log"),
    path("pdp/permintaan/", staff_views.requests, name="requests"),
    path("pdp/permintaan/<int:pk>/jawab/", staff_views.answer, name="answer"),
]
