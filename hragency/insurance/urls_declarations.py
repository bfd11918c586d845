from django.urls import path

from hragency.insurance import views_declarations as views

app_name = "declarations"

urlpatterns = [
    path("", views.declaration_list, name="list"),
    path("prepare/", views.declaration_prepare, name="prepare"),
    path("<int:declaration_id>/", views.declaration_detail, name="detail"),
    path("<int:declaration_id>/export/", views.declaration_export, name="export"),
    path("<int:declaration_id>/declared/", views.declaration_declared, name="declared"),
    path("<int:declaration_id>/result/", views.declaration_result, name="result"),
    path("<int:declaration_id>/file/<str:which>/", views.declaration_file, name="file"),
]
