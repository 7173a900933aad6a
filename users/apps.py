from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "users"
    schema = "users"
    verbose_name = "Users"
