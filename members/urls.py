from django.urls import path

from . import roster_views, views

app_name = "members"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("import/", roster_views.import_roster, name="import"),
]
