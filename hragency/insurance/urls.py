from django.urls import path

from hragency.insurance import views

app_name = "insurance"
urlpatterns = [
    path("orders/", views.order_list, name="orders"),
    path("orders/new/", views.order_create, name="order_new"),
    path("orders/people/", views.person_options, name="person_options"),
    path("orders/<int:order_id>/", views.order_detail, name="order"),
    path("orders/<int:order_id>/process/", views.order_process, name="order_process"),
    path("orders/<int:order_id>/reject/", views.order_reject, name="order_reject"),
    path("orders/<int:order_id>/cancel/", views.order_cancel, name="order_cancel"),
    path("queue/", views.queue, name="queue"),
    path("queue/process/", views.queue_process, name="queue_process"),
    path("enrollments/", views.enrollment_list, name="enrollments"),
    path("enrollments/confirm/", views.confirm_bases, name="confirm_bases"),
    path("rates/", views.rates, name="rates"),
    path("policies/", views.policy_list, name="policies"),
    path("policies/export/", views.policy_export, name="policy_export"),
    path("policies/<str:policy_city>/", views.policy_city, name="policy_city"),
    path("calculator/", views.calculator, name="calculator"),
]
