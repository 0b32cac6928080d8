from django.urls import path

from companies import views

app_name = "companies"

urlpatterns = [
    path("", views.company_list, name="list"),
    path("create/", views.company_create, name="create"),
    path("<uuid:company_id>/", views.company_detail, name="detail"),
    path("<uuid:company_id>/edit/", views.company_edit, name="edit"),
    path("<uuid:company_id>/delete/", views.company_delete, name="delete"),
    path("<uuid:company_id>/link-url/renew/", views.link_url_renew, name="link-url-renew"),
    path("<uuid:company_id>/link-url/revoke/", views.link_urls_revoke, name="link-url-revoke"),
    path(
        "<uuid:company_id>/connections/<uuid:connection_id>/deauthorize/",
        views.connection_deauthorize,
        name="connection-deauthorize",
    ),
    path(
        "<uuid:company_id>/connections/<uuid:connection_id>/unlink/",
        views.connection_unlink,
        name="connection-unlink",
    ),
    path(
        "<uuid:company_id>/connections/<uuid:connection_id>/delete/",
        views.connection_delete,
        name="connection-delete",
    ),
]
