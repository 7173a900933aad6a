from django.apps import AppConfig


class I18nConfig(AppConfig):
    name = "i18n"
    schema = "i18n"
    verbose_name = "Internationalisation"
