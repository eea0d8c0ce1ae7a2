from allauth.account import views as account_views
from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from teams.health import healthz
from teams.sso import oidc
from teams.sso import views as sso_views
from teams.views import PasswordResetView

# The admin signs in through the app's sign-in page, with its second factor and single sign-on.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

# allauth is mounted for signing in (password, second factor, single sign-on) only: accounts come from
# invitations, and the password pages stay Django's (allauth's names for them point there).
sign_in_urls = [
    path("login/", sso_views.sign_in, name="login"),
    path("login/", sso_views.sign_in, name="account_login"),
    path("logout/", auth_views.LogoutView.as_view(), name="account_logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="account_change_password"),
    path("password_reset/", PasswordResetView.as_view(), name="account_reset_password"),
    path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    path("inactive/", account_views.account_inactive, name="account_inactive"),
    path("2fa/", include("allauth.mfa.urls")),
    path("3rdparty/", include("allauth.socialaccount.urls")),
    # OpenID Connect with a nonce and a checked ID token signature (teams.sso.oidc) under allauth's names.
    path("oidc/<str:provider_id>/login/", oidc.login, name="openid_connect_login"),
    path("oidc/<str:provider_id>/login/callback/", oidc.callback, name="openid_connect_callback"),
    path("", include("allauth.socialaccount.providers.saml.urls")),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="teams:team-list", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Django's reset view, with its e-mails rate limited (teams.ratelimit); the other account views as Django has them.
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include(sign_in_urls)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file, so the page needs no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include("teams.urls")),
    path("", include("strategy.urls")),
    path("", include("metrics.urls")),
    path("", include("scorecard.urls")),
]
handler404 = "teams.error_views.page_not_found"
