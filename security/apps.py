from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    schema = "security"
    verbose_name = "Security"
