from django.urls import path

from . import views

app_name = "strategy"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("guidelines/", views.guidelines, name="guidelines"),
    path("rota/", views.rota, name="rota"),
    path("rota/<str:kind>/<int:pk>/edit/", views.rota_edit, name="rota-edit"),
    path("rota/<str:kind>/<int:pk>/remove/", views.rota_remove, name="rota-remove"),
]
