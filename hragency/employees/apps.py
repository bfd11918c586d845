from django.apps import AppConfig


class EmployeesConfig(AppConfig):
    name = "hragency.employees"
    label = "employees"
    verbose_name = "员工档案"
