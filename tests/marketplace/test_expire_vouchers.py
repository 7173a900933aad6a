"""`manage.py expire_vouchers`: published and paused vouchers past expiry become expired."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AuditLog
from marketplace.models import Voucher, VoucherState
from tests.marketplace.factories import VoucherFactory

pytestmark = pytest.mark.django_db


def past_due(state):
    start = timezone.now() - datetime.timedelta(days=10)
    return VoucherFactory(
        state=state, valid_from=start, expires_at=start + datetime.timedelta(days=1)
    )


def test_due_vouchers_expire_in_batches_and_nothing_else_changes(capsys):
    due = [past_due(VoucherState.PUBLISHED) for _ in range(3)] + [past_due(VoucherState.PAUSED)]
    current = VoucherFactory()
    draft = past_due(VoucherState.DRAFT)
    call_command("expire_vouchers", "--batch-size", "3")
    states = dict(Voucher.objects.values_list("pk", "state"))
    assert {states[v.pk] for v in due} == {VoucherState.EXPIRED}
    assert (states[current.pk], states[draft.pk]) == (VoucherState.PUBLISHED, VoucherState.DRAFT)
    output = capsys.readouterr().out
    assert "expired 3 vouchers so far" in output
    assert "Expired 4 vouchers" in output


def test_each_change_is_audited_as_the_command():
    voucher = past_due(VoucherState.PUBLISHED)
    call_command("expire_vouchers", verbosity=0)
    log = AuditLog.objects.filter(record_id=str(voucher.pk), action="UPDATE").get()
    assert log.user_agent == "manage.py expire_vouchers"
    assert log.changes["state"] == {"old": VoucherState.PUBLISHED, "new": VoucherState.EXPIRED}


def test_a_batch_size_below_one_is_refused():
    with pytest.raises(CommandError, match="--batch-size"):
        call_command("expire_vouchers", "--batch-size", "0")
