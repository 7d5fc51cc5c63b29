from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .domain import STAFF_ROLES
from .models import (
    STAFF_ROLE_CHOICES,
    ApiToken,
    CareTeam,
    CareTeamMember,
    Organisation,
    Site,
    User,
)
from .services import api_token_revoke

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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """The tokens, to see and revoke; they are created with `manage.py api_token create`, which
    shows the key once (a page would pass it through the browser's history and caches)."""

    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                api_token_revoke(by=request.user, token=token)  # type: ignore[arg-type]
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), messages.ERROR)
            else:
                revoked += 1
        self.message_user(request, _("Tokens revoked: %(count)s") % {"count": revoked})
