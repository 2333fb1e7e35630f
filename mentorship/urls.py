"""Root URLs. Uploaded files (MEDIA_URL) are deliberately not served here: views that check
permission stream them."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import auth_views as account_views
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
    path("accounts/password/", account_views.PasswordChangeView.as_view(),
         name="password_change"),
    path("accounts/password/reset/", account_views.PasswordResetView.as_view(),
         name="password_reset"),
    path("accounts/password/reset/sent/", account_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("accounts/password/reset/<uidb64>/<token>/",
         account_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("accounts/password/reset/complete/",
         account_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/otp/", account_views.otp_enrol_view, name="otp_enrol"),
    path("accounts/otp/verify/", account_views.otp_verify_view, name="otp_verify"),
    path("accounts/otp/disable/", account_views.otp_disable_view, name="otp_disable"),
    path("users/lockouts/", account_views.lockout_list_view, name="lockout_list"),
    path("users/lockouts/unlock/", account_views.lockout_release_view, name="lockout_release"),
    path("users/otp-reset/", account_views.otp_reset_view, name="otp_reset"),
    path("users/", views.user_list, name="user_list"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/approve/", views.programme_approve, name="programme_approve"),
    path("", include("programmes.urls")),
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
