from django.urls import path

from accounts import oauth_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("create/", views.account_create, name="create"),
    path("company-options/", views.company_options, name="company-options"),
    path("<uuid:account_id>/", views.account_detail, name="detail"),
    path("<uuid:account_id>/mfa/", views.account_mfa, name="mfa"),
    path("<uuid:account_id>/disconnect/", views.account_disconnect, name="disconnect"),
    path(
        "<uuid:account_id>/authorization-url/",
        views.account_renew_authorization,
        name="renew-authorization",
    ),
    path("<uuid:account_id>/delete/", views.account_delete, name="delete"),
    # Public: the sandbox provider's consent page, and our OAuth2 callback.
    path(
        "sandbox/<slug:provider_key>/authorize/",
        oauth_views.sandbox_authorize,
        name="sandbox-authorize",
    ),
    path("oauth/callback/", oauth_views.oauth_callback, name="oauth-callback"),
]
