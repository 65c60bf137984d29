from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from core import export_views
from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    # A table's XLSX export built in the background: its progress and its download.
    path("exports/<int:pk>/", export_views.export_job, name="export_job"),
    path("exports/<int:pk>/download", export_views.export_download, name="export_download"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("members/", include("members.urls")),
    path("outbox/", include("outbox.urls")),
    # Before the other apps: it holds the check-in desks' scan, the busiest route.
    path("", include("attendance.urls")),
    path("", include("events.urls")),
    path("", include("outputs.urls")),
    path("", include("records.urls")),
    path("", include("personal_data.urls")),
    path("", include("privacy.urls")),
]

# A database that cannot be reached answers 503 with Retry-After, not 500 (core/views.py).
handler500 = "core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
