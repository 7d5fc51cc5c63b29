from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .domain import STAFF_ROLES
from .models import STAFF_ROLE_CHOICES, CareTeam, CareTeamMember, Organisation, Site, User

# The admin manages staff accounts, sites and care teams. Patients and caregivers are managed by
# their care team in the application, where every read and write is audited.


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    search_fields = ["name"]


class StaffUserForm(forms.ModelForm):
    role = forms.ChoiceField(label=_("role"), choices=STAFF_ROLE_CHOICES)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    form = StaffUserForm
    list_display = ["username", "full_name", "role", "organisation", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Person"),
            {"fields": ("full_name", "email", "role", "organisation", "preferred_language")},
        ),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = (
        (
            None,
            {"fields": ("username", "full_name", "role", "organisation", "password1", "password2")},
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).filter(role__in=[role.value for role in STAFF_ROLES])


class MemberInline(admin.TabularInline):
    model = CareTeamMember
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(CareTeam)
class CareTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "site"]
    inlines = [MemberInline]
