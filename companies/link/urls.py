from django.urls import path

from companies.link import views

app_name = "link"

urlpatterns = [
    path("<str:token>/", views.link_start, name="start"),
    path("<str:token>/platforms/<slug:platform_key>/", views.link_choose, name="choose"),
    path("<str:token>/consent/<uuid:attempt_id>/", views.link_consent, name="consent"),
]
