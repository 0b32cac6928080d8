from django.urls import path

from accounts import link_views as payroll_link_views
from companies.link import views as link_views

app_name = "link"

urlpatterns = [
    path("<str:token>/", link_views.link_start, name="start"),
    path("<str:token>/consent/<uuid:attempt_id>/", link_views.link_consent, name="consent"),
    # Payroll providers: signing in (and MFA) on our page, for credential providers.
    path(
        "<str:token>/payroll/<slug:provider_key>/",
        payroll_link_views.payroll_sign_in,
        name="payroll-sign-in",
    ),
    path(
        "<str:token>/payroll/accounts/<uuid:account_id>/",
        payroll_link_views.payroll_account,
        name="payroll-account",
    ),
]
