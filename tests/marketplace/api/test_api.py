"""The REST API end to end, through the middleware and row level security, as clients use it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from i18n.models import Language, Translation
from marketplace.models import Voucher, VoucherState
from tests.business.factories import BusinessFactory, business_manager
from tests.marketplace.factories import VoucherFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture
def languages():
    en = Language.objects.create(code="en", name="English", is_default=True)
    es = Language.objects.create(code="es", name="Spanish")
    return en, es


@pytest.fixture
def customer():
    user = UserFactory()
    user.set_password(PASSWORD)
    user.save()
    return user


def token_for(client, user) -> str:
    response = client.post(
        "/api/v1/auth/tokens/",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()["token"]


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_token_is_issued_for_the_right_password_only_and_revoked(client, customer):
    wrong = client.post(
        "/api/v1/auth/tokens/",
        {"email": customer.email, "password": "nope"},
        content_type="application/json",
    )
    assert (wrong.status_code, wrong.json()["code"]) == (401, "invalid_credentials")
    token = token_for(client, customer)
    me = client.get("/api/v1/me/", **bearer(token))
    assert (me.status_code, me.json()["email"]) == (200, customer.email)
    assert client.delete("/api/v1/auth/tokens/current/", **bearer(token)).status_code == 204
    again = client.get("/api/v1/me/", **bearer(token))
    assert (again.status_code, again.json()["code"]) == (401, "authentication_failed")


def test_vouchers_near_a_point_in_spanish_with_distances(client, languages):
    _, es = languages
    voucher = VoucherFactory()
    Translation.objects.create(key=voucher.title_key, language=es, value="Cena para dos")
    VoucherFactory(state=VoucherState.DRAFT)
    response = client.get("/api/v1/vouchers/?near=40.4168,-3.7038&radius=1000&lang=es")
    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["results"]] == [str(voucher.pk)]
    item = body["results"][0]
    assert item["title"] == "Cena para dos"
    assert item["description"] == voucher.description_key  # missing: the key, visibly
    assert item["distance_m"] == pytest.approx(0, abs=1)
    assert item["business"]["location"] == {"lat": 40.4168, "lng": -3.7038}
    assert set(body) == {"next", "previous", "results"}


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("near=91,0", "near"),
        ("near=abc", "near"),
        ("near=40,-3&radius=0", "radius"),
        ("near=40,-3&radius=1000000", "radius"),
        ("lang=xx", "lang"),
        ("business=not-a-uuid", "business"),
        ("radius=5", "radius"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter(client, languages, query, parameter):
    response = client.get(f"/api/v1/vouchers/?{query}")
    assert response.status_code == 400
    assert parameter in response.json()["fields"]


def test_redeem_is_idempotent_per_key_and_refusals_are_409(client, languages, customer):
    voucher = VoucherFactory(max_redemptions=1)
    token = token_for(client, customer)
    url = f"/api/v1/vouchers/{voucher.pk}/redeem/"
    missing = client.post(url, **bearer(token))
    assert (missing.status_code, list(missing.json()["fields"])) == (400, ["Idempotency-Key"])
    first = client.post(url, HTTP_IDEMPOTENCY_KEY="k1", **bearer(token))
    assert first.status_code == 201
    replay = client.post(url, HTTP_IDEMPOTENCY_KEY="k1", **bearer(token))
    assert (replay.status_code, replay.json()) == (200, first.json())
    sold_out = client.post(url, HTTP_IDEMPOTENCY_KEY="k2", **bearer(token))
    assert (sold_out.status_code, sold_out.json()["code"]) == (409, "voucher_sold_out")
    assert Voucher.objects.get(pk=voucher.pk).current_redemptions == 1
    anonymous = client.post(url, HTTP_IDEMPOTENCY_KEY="k3")
    assert anonymous.status_code == 401
    unknown = client.post(
        "/api/v1/vouchers/01940006-0000-7000-8000-0000000000ff/redeem/",
        HTTP_IDEMPOTENCY_KEY="k4",
        **bearer(token),
    )
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    mine = client.get("/api/v1/me/redemptions/", **bearer(token)).json()["results"]
    assert [item["id"] for item in mine] == [first.json()["id"]]


def test_lifecycle_through_the_api_is_for_the_business_staff(client, languages, customer):
    business = BusinessFactory()
    manager = business_manager(business)
    manager.set_password(PASSWORD)
    manager.save()
    created = client.post(
        "/api/v1/vouchers/",
        {
            "business": str(business.pk),
            "discount_type": "fixed",
            "discount_value": "10.00",
            "currency": "EUR",
            "valid_from": "2026-01-01T00:00:00Z",
            "expires_at": "2030-01-01T00:00:00Z",
            "texts": {"en": {"title": "Ten off", "description": "Any dinner"}},
        },
        content_type="application/json",
        **bearer(token_for(client, manager)),
    )
    assert created.status_code == 201, created.content
    voucher_id = created.json()["id"]
    staff = bearer(token_for(client, manager))
    incomplete = client.post(f"/api/v1/vouchers/{voucher_id}/publish/", **staff)
    assert (incomplete.status_code, incomplete.json()["code"]) == (409, "voucher_incomplete")
    patched = client.patch(
        f"/api/v1/vouchers/{voucher_id}/",
        {"texts": {"en": {"terms": "One a table"}}},
        content_type="application/json",
        **staff,
    )
    assert patched.status_code == 200, patched.content
    customer_token = bearer(token_for(client, customer))
    refused = client.post(f"/api/v1/vouchers/{voucher_id}/publish/", **customer_token)
    assert refused.status_code == 404  # a draft is invisible to customers
    published = client.post(f"/api/v1/vouchers/{voucher_id}/publish/", **staff)
    assert (published.status_code, published.json()["state"]) == (200, "published")
    forbidden = client.post(f"/api/v1/vouchers/{voucher_id}/pause/", **customer_token)
    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "permission_denied")
    assert client.post(f"/api/v1/vouchers/{voucher_id}/archive/", **staff).status_code == 200
    illegal = client.post(f"/api/v1/vouchers/{voucher_id}/publish/", **staff)
    assert (illegal.status_code, illegal.json()["code"]) == (409, "illegal_transition")


def test_the_voucher_list_keeps_its_query_count_as_the_page_grows(client, languages):
    def queries_for(count):
        Voucher.objects.all().delete()
        for _ in range(count):
            VoucherFactory()
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/vouchers/?page_size=50")
        assert len(response.json()["results"]) == count
        return len(captured)

    assert queries_for(2) == queries_for(12)


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/vouchers/{voucher_id}/redeem/" in paths
    assert "409" in paths["/api/v1/vouchers/{voucher_id}/redeem/"]["post"]["responses"]
    assert client.get("/api/docs/").status_code == 200
