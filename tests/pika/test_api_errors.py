"""The API's one error shape for the database's own errors, raised by the real server."""

import logging

import pytest
from django.db import DatabaseError, connection, transaction

from pika.api.errors import exception_handler
from tests.marketplace.factories import VoucherFactory

pytestmark = pytest.mark.django_db


def raised_by(sql: str, params=()) -> DatabaseError:
    with pytest.raises(DatabaseError) as raised, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    return raised.value


def test_a_unique_violation_is_a_409():
    voucher, other = VoucherFactory(), VoucherFactory()
    duplicate = raised_by(
        "UPDATE marketplace.vouchers SET title_key = %s WHERE id = %s",
        [voucher.title_key, other.pk],
    )
    response = exception_handler(duplicate, {})
    assert (response.status_code, response.data["code"]) == (409, "conflict")


def test_a_foreign_key_violation_is_a_400():
    VoucherFactory()
    missing = raised_by(
        "UPDATE marketplace.vouchers SET business_id = gen_random_uuid();"
        " SET CONSTRAINTS ALL IMMEDIATE"
    )
    response = exception_handler(missing, {})
    assert (response.status_code, response.data["code"]) == (400, "invalid_reference")


def test_a_missing_table_is_a_500_whose_hint_goes_to_the_log_only(caplog):
    error = raised_by("SELECT * FROM marketplace.no_such_table")
    with caplog.at_level(logging.ERROR, logger="pika.api"):
        response = exception_handler(error, {})
    assert (response.status_code, response.data["code"]) == (500, "server_error")
    assert "migrate" not in response.data["detail"]
    assert "manage.py migrate" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_lost_connection_is_a_503_with_retry_after():
    with pytest.raises(DatabaseError) as raised, connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    connection.close()
    response = exception_handler(raised.value, {})
    assert (response.status_code, response.data["code"]) == (503, "database_unavailable")
    assert int(response["Retry-After"]) > 0
