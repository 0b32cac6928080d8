from django.urls import path

from companies import link_views

app_name = "link"

urlpatterns = [
    path("<str:token>/", link_views.link_start, name="start"),
    path("<str:token>/consent/<uuid:attempt_id>/", link_views.link_consent, name="consent"),
]
