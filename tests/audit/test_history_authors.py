"""History rows name their real author and time, and only viewers of the model read them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import ProgrammingError, connection
from django.utils import timezone

from audit.history import history_models
from audit.models import AuditLog
from i18n.models import Language
from pika.db.context import acting_as
from pika.db.security import APPLICATION_ROLE
from tests.users.factories import UserFactory
from users.models import User

pytestmark = pytest.mark.django_db


def grant(user, *perms: str) -> None:
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def test_every_history_table_is_stamped_and_guarded_by_a_view_policy():
    tables = {model.history.model._meta.db_table.replace('"', "") for model in history_models()}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'history_stamp'"
        )
        stamped = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT schemaname || '.' || tablename, qual FROM pg_policies"
            " WHERE policyname = 'history_read'"
        )
        readers = dict(cursor.fetchall())
    assert stamped == tables
    for model in history_models():
        table = model.history.model._meta.db_table.replace('"', "")
        permission = f"{model._meta.app_label}.view_{model._meta.model_name}"
        assert permission in readers[table], table


def test_a_history_row_names_its_real_author_and_time_whatever_the_writer_claims():
    actor, victim = UserFactory(first_name="Before"), UserFactory()
    forged_date = datetime(2001, 1, 1, tzinfo=UTC)
    before = timezone.now() - timedelta(seconds=5)
    with acting_as(user_id=actor.pk, role=APPLICATION_ROLE):
        actor.first_name = "After"
        actor._history_user = victim
        actor._history_date = forged_date
        actor.save(update_fields=["first_name"])
    change = User.history.get(id=actor.pk, history_type="~")
    assert change.first_name == "After"
    assert change.history_user_id == actor.pk
    assert change.history_date >= before


@pytest.mark.parametrize(
    "statement", ["UPDATE {t} SET history_user_id = NULL", "DELETE FROM {t}", "TRUNCATE {t}"]
)
def test_runtime_roles_cannot_rewrite_history(statement):
    UserFactory()
    with (
        pytest.raises(ProgrammingError, match="permission denied"),
        acting_as(role=APPLICATION_ROLE),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(t=User.history.model._meta.db_table))


def visible_to(user) -> tuple[int, int, int]:
    """History rows of users and of languages, and audit log rows, that ``user`` reads."""
    with acting_as(user_id=user.pk, role=APPLICATION_ROLE):
        return (
            User.history.count(),
            Language.history.count(),
            AuditLog.objects.count(),
        )


def test_history_and_the_log_are_read_only_with_the_view_permission():
    subject = UserFactory(first_name="Ann")
    subject.first_name = "Anna"
    subject.save()
    Language.objects.create(code="hx", name="History")
    nobody, user_viewer, log_viewer = UserFactory(), UserFactory(), UserFactory()
    grant(user_viewer, "users.view_user")
    grant(log_viewer, "audit.view_auditlog")
    everything = (User.history.count(), Language.history.count(), AuditLog.objects.count())
    assert min(everything) > 0
    assert visible_to(nobody) == (0, 0, 0)
    assert visible_to(user_viewer) == (everything[0], 0, 0)
    assert visible_to(log_viewer) == (0, 0, everything[2])
