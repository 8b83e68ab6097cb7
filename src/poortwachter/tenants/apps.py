from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "poortwachter.tenants"
    label = "tenants"
