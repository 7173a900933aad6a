from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    schema = "marketplace"
    verbose_name = "Marketplace"
