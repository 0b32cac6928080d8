from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from companies.link import settings_views as link_settings_views
from companies.pulls import settings_views as sync_settings_views
from portal import views
from portal.api import api
from portal.webhooks import views as webhook_views

settings_patterns = [
    path("", views.settings_index, name="index"),
    path("link/", link_settings_views.link_settings, name="link"),
    path("link/preview/", link_settings_views.link_settings_preview, name="link-preview"),
    path("sync/", sync_settings_views.sync_settings, name="sync"),
    path("api-keys/", views.api_keys, name="api-keys"),
    path("api-keys/<int:key_id>/revoke/", views.api_key_revoke, name="api-key-revoke"),
    path("webhooks/", webhook_views.endpoints, name="webhooks"),
    path("webhooks/<uuid:endpoint_id>/", webhook_views.endpoint_detail, name="webhook"),
    path("webhooks/<uuid:endpoint_id>/edit/", webhook_views.endpoint_edit, name="webhook-edit"),
    path(
        "webhooks/<uuid:endpoint_id>/rotate-secret/",
        webhook_views.endpoint_rotate,
        name="webhook-rotate",
    ),
    path(
        "webhooks/<uuid:endpoint_id>/delete/", webhook_views.endpoint_delete, name="webhook-delete"
    ),
    path("webhooks/<uuid:endpoint_id>/test/", webhook_views.endpoint_test, name="webhook-test"),
    path(
        "webhooks/<uuid:endpoint_id>/deliveries/<int:delivery_id>/resend/",
        webhook_views.delivery_resend,
        name="webhook-resend",
    ),
    path(
        "webhooks/<uuid:endpoint_id>/resend-failed/",
        webhook_views.deliveries_resend_failed,
        name="webhook-resend-failed",
    ),
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
