"""Root URLs. Uploaded files (MEDIA_URL) are deliberately not served here: views that check
permission stream them."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views
from .forms import LoginForm

admin.site.site_header = _("Mentoring programme: administration")
admin.site.site_title = _("Mentoring programme")
admin.site.index_title = _("Data administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("favicon.ico", views.favicon),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm,
                                     redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("users/", views.user_list, name="user_list"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("", include("participants.urls")),
    path("", include("pairing.urls")),
    path("", include("monitoring.urls")),
    path("", include("cycle.urls")),
    path("", include("privacy.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "mentorship.views.error_403"
handler404 = "mentorship.views.error_404"
handler500 = "mentorship.views.error_500"
