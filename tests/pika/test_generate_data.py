"""The data generator writes a consistent, reproducible data set in bulk."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from business.models import Business
from marketplace.models import Voucher
from marketplace.selectors import redemptions_taken
from users.models import User

pytestmark = pytest.mark.django_db

SIZES = ["--users", "60", "--businesses", "8", "--vouchers", "30", "--redemptions", "200"]


def generate(*extra):
    call_command("generate_data", *SIZES, "--events", "100", *extra, verbosity=0)


def test_generates_the_requested_rows_and_keeps_counters_consistent(seed_data):
    before = User.objects.count(), Business.objects.count()
    generate("--seed", "11")
    assert User.objects.count() == before[0] + 60
    assert Business.objects.count() == before[1] + 8
    counted = Voucher.objects.annotate(
        live=Count("redemptions", filter=Q(redemptions__status="redeemed")),
        taken=redemptions_taken(),
    )
    assert counted.filter(live__gt=0).exists()
    assert not counted.exclude(taken=F("live")).exists()


def test_the_same_seed_gives_the_same_data_and_adds_nothing_twice(seed_data):
    generate("--seed", "12")
    ids = set(User.objects.values_list("pk", flat=True))
    generate("--seed", "12")
    assert set(User.objects.values_list("pk", flat=True)) == ids


def test_without_seed_data_it_says_what_to_do():
    with pytest.raises(CommandError, match="load the seed data first"):
        generate()


def test_prints_progress(seed_data, capsys):
    call_command("generate_data", *SIZES, "--events", "10", "--seed", "13")
    output = capsys.readouterr().out
    assert "users: 60/60 (100%)" in output
    assert "Data set in place" in output
