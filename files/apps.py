from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "files"
    schema = "files"
    verbose_name = "Files"
