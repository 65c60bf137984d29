from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("privasi/", views.notice, name="notice"),
    path("privasi/instansi/<int:pk>/", views.agency_contact, name="agency_contact"),
    path("a/<str:secret>/phone/", views.answer_phone, name="answer_phone"),
    path("meetings/<int:pk>/privacy/phones/", views.phone_use, name="phone_use"),
    path("meetings/<int:pk>/privacy/contacts/", views.contact_list, name="contact_list"),
]
