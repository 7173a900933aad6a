"""Every model in the admin answers, with the seed data loaded, for a superuser."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from audit.models import AuditLog
from users.models import User

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture(scope="module")
def seed_data_for_the_module(django_db_setup, django_db_blocker):
    """The seed, loaded once for this module in a transaction rolled back after its last test.

    Loading it for every test (the `seed_data` fixture) cost about half a second each. Every
    test still runs in a transaction of its own (pytest-django's, a savepoint inside this
    one), rolled back after it, so what one test changes never reaches the next.
    """
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        call_command("loaddata", "languages", "seed", verbosity=0)
        call_command("refresh_analytics", verbosity=0)
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def superuser_client(seed_data_for_the_module, db, client):
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
    if hasattr(model, "history"):
        history = superuser_client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        )
        assert history.status_code == 200


@pytest.mark.django_db
def test_search_on_every_changelist_answers(superuser_client):
    for model in REGISTERED:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert superuser_client.get(url, {"q": "a"}).status_code == 200, opts.label


@pytest.mark.django_db
def test_the_admin_shows_who_changed_an_object(superuser_client):
    from i18n.models import Language

    language = Language.objects.get(code="fr")
    url = reverse("admin:i18n_language_change", args=[language.pk])
    response = superuser_client.post(
        url,
        {
            "code": "fr",
            "name": "French (edited)",
            "native_name": language.native_name,
            "is_active": "on",
            "search_config": language.search_config,
        },
    )
    assert response.status_code == 302
    latest = language.history.latest()
    assert latest.name == "French (edited)"
    assert latest.history_user.email == "root@pika.example"
    page = superuser_client.get(reverse("admin:i18n_language_history", args=[language.pk]))
    assert b"root@pika.example" in page.content


@pytest.mark.django_db
def test_a_voucher_page_links_to_its_redemptions_with_the_ledgers_counts(superuser_client):
    from marketplace.models import Redemption, Voucher

    voucher = Voucher.objects.filter(redemptions__isnull=False).distinct().first()
    redeemed = Redemption.objects.filter(voucher=voucher, status="redeemed").count()
    page = superuser_client.get(reverse("admin:marketplace_voucher_change", args=[voucher.pk]))
    link = reverse("admin:marketplace_redemption_changelist") + f"?voucher__id__exact={voucher.pk}"
    assert f'<a href="{link}">{redeemed} redeemed, ' in page.content.decode()
    listed = superuser_client.get(link).context["cl"].result_list
    assert {r.voucher_id for r in listed} == {voucher.pk}
    assert len(listed) == Redemption.objects.filter(voucher=voucher).count()
