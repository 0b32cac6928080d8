from django.urls import path

from companies import views
from companies.pulls import views as pull_views

app_name = "companies"

urlpatterns = [
    path("", views.company_list, name="list"),
    path("create/", views.company_create, name="create"),
    path("<uuid:company_id>/", views.company_detail, name="detail"),
    path("<uuid:company_id>/edit/", views.company_edit, name="edit"),
    path("<uuid:company_id>/delete/", views.company_delete, name="delete"),
    path("<uuid:company_id>/link-url/renew/", views.link_url_renew, name="link-url-renew"),
    path("<uuid:company_id>/link-url/revoke/", views.link_urls_revoke, name="link-url-revoke"),
    path("<uuid:company_id>/sync/", views.sync_frequency, name="sync-frequency"),
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
        "<uuid:company_id>/connections/<uuid:connection_id>/pull/",
        pull_views.pull_connection,
        name="connection-pull",
    ),
    path(
        "<uuid:company_id>/connections/<uuid:connection_id>/sandbox/",
        pull_views.sandbox_scenario,
        name="connection-sandbox",
    ),
    path("<uuid:company_id>/pulls/", pull_views.pull_progress, name="pulls"),
    path("<uuid:company_id>/pulls/all/", pull_views.pull_all, name="pull-all"),
    path(
        "<uuid:company_id>/pulls/<uuid:pull_id>/cancel/",
        pull_views.pull_cancel,
        name="pull-cancel",
    ),
    path("<uuid:company_id>/data/", pull_views.data_overview, name="data"),
    path("<uuid:company_id>/data/<str:data_type>/", pull_views.data_records, name="records"),
    path(
        "<uuid:company_id>/data/<str:data_type>/<int:record_id>/",
        pull_views.data_record,
        name="record",
    ),
    path(
        "<uuid:company_id>/connections/<uuid:connection_id>/delete/",
        views.connection_delete,
        name="connection-delete",
    ),
]
