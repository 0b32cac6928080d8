"""Payroll providers' steps of the hosted Link flow, under the same /link/<token>/ as the
chooser (which lists them through `companies.link.choices`)."""

from django.urls import path

from accounts import link_views as views

app_name = "payroll-link"

urlpatterns = [
    path("<str:token>/payroll/<slug:provider_key>/", views.payroll_sign_in, name="sign-in"),
    path(
        "<str:token>/payroll/<slug:provider_key>/cancel/",
        views.payroll_cancel,
        name="cancel",
    ),
    path(
        "<str:token>/payroll/<slug:provider_key>/authorize/",
        views.payroll_authorize,
        name="authorize",
    ),
    path(
        "<str:token>/payroll/accounts/<uuid:account_id>/",
        views.payroll_account,
        name="account",
    ),
    path(
        "<str:token>/payroll/accounts/<uuid:account_id>/mfa/",
        views.payroll_account_mfa,
        name="account-mfa",
    ),
    path(
        "<str:token>/payroll/accounts/<uuid:account_id>/sign-in/",
        views.payroll_account_sign_in,
        name="account-sign-in",
    ),
    path(
        "<str:token>/payroll/accounts/<uuid:account_id>/cancel/",
        views.payroll_account_cancel,
        name="account-cancel",
    ),
]
