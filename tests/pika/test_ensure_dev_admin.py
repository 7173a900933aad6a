"""The development admin exists on the local cluster only, and its password always works."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from pika.management.commands.ensure_dev_admin import DEV_ADMIN_EMAIL, DEV_ADMIN_PASSWORD
from users.models import User

pytestmark = pytest.mark.django_db


def test_creates_the_admin_once_and_keeps_its_password_working(settings):
    settings.EMBEDDED_DATABASE = True
    call_command("ensure_dev_admin", verbosity=0)
    admin = User.objects.get(email=DEV_ADMIN_EMAIL)
    assert admin.is_superuser and admin.is_staff
    User.objects.filter(pk=admin.pk).update(password="!locked-out")
    call_command("ensure_dev_admin", verbosity=0)
    assert authenticate(username=DEV_ADMIN_EMAIL, password=DEV_ADMIN_PASSWORD) == admin
    assert User.objects.filter(email=DEV_ADMIN_EMAIL).count() == 1


def test_does_nothing_on_another_server(settings, capsys):
    settings.EMBEDDED_DATABASE = False
    call_command("ensure_dev_admin")
    assert not User.objects.filter(email=DEV_ADMIN_EMAIL).exists()
    assert "Skipped" in capsys.readouterr().err
