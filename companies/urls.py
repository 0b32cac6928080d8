from django.urls import path

from companies import views

app_name = "companies"

urlpatterns = [
    path("", views.company_list, name="list"),
    path("create/", views.company_create, name="create"),
    path("<uuid:company_id>/", views.company_detail, name="detail"),
    path("<uuid:company_id>/edit/", views.company_edit, name="edit"),
    path("<uuid:company_id>/delete/", views.company_delete, name="delete"),
]
