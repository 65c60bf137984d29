from django.urls import path

from . import letterhead_views, roster_views, views

app_name = "members"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("export.<str:file_format>", views.export_directory, name="export"),
    path("import/", roster_views.import_roster, name="import"),
    path("import/preview/<str:token>/", roster_views.import_preview, name="import_preview"),
    path("import/confirm/", roster_views.confirm_import, name="import_confirm"),
    path("agencies/<int:pk>/letterhead/", letterhead_views.letterhead, name="letterhead"),
    path(
        "agencies/<int:pk>/letterhead/logo.png",
        letterhead_views.letterhead_logo,
        name="letterhead_logo",
    ),
]
