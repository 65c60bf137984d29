from django.contrib import admin

from .models import AgencyPrivacyContact


@admin.register(AgencyPrivacyContact)
class AgencyPrivacyContactAdmin(admin.ModelAdmin):
    """Staff set, per agency, the controller's contact and data protection officer."""

    list_display = ("agency", "contact", "dpo_name", "dpo_email", "updated_at")
    search_fields = ("agency__name", "agency__acronym", "dpo_name")
    list_select_related = ("agency",)
