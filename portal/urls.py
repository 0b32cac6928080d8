from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from companies.link import settings_views as link_settings_views
from companies.pulls import settings_views as sync_settings_views
from portal import views
from portal.api import api

settings_patterns = [
    path("", views.settings_index, name="index"),
    path("link/", link_settings_views.link_settings, name="link"),
    path("link/preview/", link_settings_views.link_settings_preview, name="link-preview"),
    path("sync/", sync_settings_views.sync_settings, name="sync"),
    path("api-keys/", views.api_keys, name="api-keys"),
    path("api-keys/<int:key_id>/revoke/", views.api_key_revoke, name="api-key-revoke"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("companies/", include("companies.urls")),
    path("accounts/", include("accounts.urls")),
    path("settings/", include((settings_patterns, "settings"))),
    path("link/", include("companies.link.urls")),
    path("link/", include("accounts.link_urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
