"""Pages of the sanctions app (under /sanctions/, namespace `sanctions`)."""

from django.urls import path

from . import views

app_name = "sanctions"

urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.mine, name="mine"),
    path("restrictions/add/", views.restriction_add, name="restriction-add"),
    path("restrictions/<int:pk>/", views.restriction_detail, name="restriction-detail"),
    path("restrictions/<int:pk>/lift/", views.restriction_lift, name="restriction-lift"),
    path("abandon/", views.abandon, name="abandon"),
    path("orders/add/", views.order_add, name="order-add"),
    path("orders/<int:pk>/", views.order_detail, name="order-detail"),
    path("orders/<int:pk>/repayments/add/", views.repayment_add, name="repayment-add"),
]
