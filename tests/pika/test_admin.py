"""Every model in the admin answers, with the seed data loaded, for a superuser."""

import pytest
from django.contrib import admin
from django.urls import reverse

from audit.models import AuditLog
from users.models import User

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def superuser_client(client, seed_data):
    # The seed holds no audit rows: the log records changes, and loading data is none yet.
    AuditLog.objects.create(action="INSERT", table_name="i18n.languages", record_id="probe")
    user = User.objects.create_superuser("root@pika.example", "a-long-admin-password")
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_and_change_page_answer(superuser_client, model):
    opts = model._meta
    changelist = superuser_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    )
    assert changelist.status_code == 200
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        pytest.fail(f"the seed data has no {opts.label} row to open in the admin")
    change = superuser_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    )
    assert change.status_code == 200


@pytest.mark.django_db
def test_search_on_every_changelist_answers(superuser_client):
    for model in REGISTERED:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert superuser_client.get(url, {"q": "a"}).status_code == 200, opts.label
