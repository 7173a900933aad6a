from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    schema = "catalog"
    verbose_name = "Catalog"
