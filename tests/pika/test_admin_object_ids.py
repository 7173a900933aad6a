"""Admin URLs with an object id the primary key cannot hold answer 404, never 500."""

import pytest
from django.contrib import admin
from django.urls import reverse

from users.models import User

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
MALFORMED = ["not-a-uuid", "1 OR 1=1", "_5B_5D"]  # the last is the admin's quoting of "[]"


@pytest.fixture
def superuser_client(client, db):
    client.force_login(User.objects.create_superuser("root@pika.example", "a-long-password"))
    return client


def object_urls(model, object_id: str) -> list[str]:
    """The admin URLs of one object of ``model`` that the admin registers."""
    opts = model._meta
    names = ["change", "delete", "history"]
    urls = [
        reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=[object_id])
        for name in names
    ]
    if hasattr(model, "history"):
        urls.append(
            reverse(
                f"admin:{opts.app_label}_{opts.model_name}_simple_history",
                args=[object_id, "0191d4b4-8f3c-7000-8000-000000000000"],
            )
        )
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
@pytest.mark.parametrize("object_id", MALFORMED)
def test_a_malformed_object_id_is_not_found(superuser_client, model, object_id):
    for url in object_urls(model, object_id):
        assert superuser_client.get(url).status_code == 404, url


@pytest.mark.django_db
@pytest.mark.parametrize("version_id", ["not-a-uuid", "1"])
def test_a_malformed_history_version_id_is_not_found(superuser_client, version_id):
    user = User.objects.get(email="root@pika.example")
    url = reverse("admin:users_user_simple_history", args=[user.pk, version_id])
    assert superuser_client.get(url).status_code == 404
