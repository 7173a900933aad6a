"""The seed data loads, is what the README promises, and loading it twice changes nothing."""

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command

from business.models import Business
from i18n.models import Language, Translation
from marketplace.models import Voucher

pytestmark = pytest.mark.django_db

SEEDED_MODELS = [
    model
    for config in apps.get_app_configs()
    if getattr(config, "schema", None)
    for model in config.get_models()
]


def snapshot() -> str:
    """Every row of every project model, serialized in primary-key order."""
    rows = []
    for model in SEEDED_MODELS:
        rows.extend(model._default_manager.order_by("pk"))
    return serializers.serialize("json", rows)


def test_loading_the_seed_twice_changes_nothing(seed_data):
    first = snapshot()
    call_command("loaddata", "languages", "seed", verbosity=0)
    assert snapshot() == first


def test_seed_has_languages_businesses_vouchers_and_their_translations(seed_data):
    assert Language.objects.count() >= 3
    assert Language.objects.filter(is_default=True).count() == 1
    assert Business.objects.count() >= 12
    assert Business.objects.filter(location__isnull=False).count() == Business.objects.count()
    assert Voucher.objects.values("state").distinct().count() >= 3
    keys = set(Translation.objects.values_list("key", flat=True))
    for business in Business.objects.all():
        assert business.business_name_key in keys
    for voucher in Voucher.objects.all():
        assert {voucher.title_key, voucher.description_key, voucher.terms_key} <= keys
