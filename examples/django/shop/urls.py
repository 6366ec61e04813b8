from django.urls import path

from . import views

urlpatterns = [
    path("", views.hello, name="hello"),
    path("items/<int:item_id>", views.item, name="item"),
    path("slow", views.slow, name="slow"),
    path("error", views.error, name="error"),
]
