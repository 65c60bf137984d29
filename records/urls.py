from django.urls import path

from .views import verify

app_name = "records"
urlpatterns: list = []

# The public verification page printed on every frozen document (records/views/verify.py).
urlpatterns += [
    path("v/<str:code>", verify.verify, name="verify"),
]
