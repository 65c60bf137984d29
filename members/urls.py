from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("import/", views.import_roster, name="import"),
]
