"""The voucher endpoints end to end, through the middleware and row level security."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from business.models import StaffMembership
from i18n.models import Translation
from marketplace.models import Voucher, VoucherState
from marketplace.selectors import redemptions_taken_of_voucher
from tests.api.conftest import PASSWORD, bearer, token_for, user_with_password
from tests.business.factories import BusinessFactory, business_manager
from tests.marketplace.factories import VoucherFactory

pytestmark = pytest.mark.django_db


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
    assert redemptions_taken_of_voucher(voucher_id=voucher.pk) == 1
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


def test_a_redemption_is_reversed_once_by_the_business_staff_only(client, languages, customer):
    voucher = VoucherFactory(max_redemptions=1)
    customer_auth = bearer(token_for(client, customer))
    redeemed = client.post(
        f"/api/v1/vouchers/{voucher.pk}/redeem/", HTTP_IDEMPOTENCY_KEY="k", **customer_auth
    ).json()
    url = f"/api/v1/redemptions/{redeemed['id']}/reverse/"
    refused = client.post(url, **customer_auth)
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    manager = user_with_password(role="business")
    StaffMembership.objects.create(business=voucher.business, user=manager, role="manager")
    staff = bearer(token_for(client, manager))
    reversed_ = client.post(url, **staff)
    assert (reversed_.status_code, reversed_.json()["status"]) == (200, "reversed")
    again = client.post(url, **staff)
    assert (again.status_code, again.json()["code"]) == (409, "redemption_already_reversed")
    assert redemptions_taken_of_voucher(voucher_id=voucher.pk) == 0


def test_saving_listing_and_unsaving_a_voucher(client, languages, customer):
    voucher, other = VoucherFactory(), VoucherFactory()
    auth = bearer(token_for(client, customer))
    url = "/api/v1/me/saved-vouchers/"
    saved = client.post(url, {"voucher": str(voucher.pk)}, content_type="application/json", **auth)
    assert (saved.status_code, saved.json()["id"]) == (201, str(voucher.pk))
    twice = client.post(url, {"voucher": str(voucher.pk)}, content_type="application/json", **auth)
    assert (twice.status_code, twice.json()) == (200, saved.json())
    listed = client.get(url, **auth).json()["results"]
    assert [item["id"] for item in listed] == [str(voucher.pk)]
    assert client.delete(f"{url}{voucher.pk}/", **auth).status_code == 204
    assert client.get(url, **auth).json()["results"] == []
    never_saved = client.delete(f"{url}{other.pk}/", **auth)
    assert (never_saved.status_code, never_saved.json()["code"]) == (404, "not_found")


def test_staff_of_another_business_may_not_add_or_change_its_vouchers(client, languages):
    voucher = VoucherFactory()
    outsider = user_with_password(role="business")
    StaffMembership.objects.create(business=BusinessFactory(), user=outsider, role="owner")
    auth = bearer(token_for(client, outsider))
    created = client.post(
        "/api/v1/vouchers/",
        {
            "business": str(voucher.business_id),
            "discount_type": "percentage",
            "discount_value": "10",
            "valid_from": "2026-01-01T00:00:00Z",
            "expires_at": "2030-01-01T00:00:00Z",
        },
        content_type="application/json",
        **auth,
    )
    assert (created.status_code, created.json()["code"]) == (403, "permission_denied")
    patched = client.patch(
        f"/api/v1/vouchers/{voucher.pk}/",
        {"discount_value": "99"},
        content_type="application/json",
        **auth,
    )
    assert patched.status_code == 403
    assert Voucher.objects.get(pk=voucher.pk).discount_value == voucher.discount_value


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"discount_type": "free_lunch"}, "discount_type"),
        ({"discount_value": "-5"}, "discount_value"),
        ({"currency": "euros"}, "currency"),
        ({"valid_from": "yesterday"}, "valid_from"),
        ({"texts": {"xx": {"title": "?"}}}, "texts"),
    ],
)
def test_a_bad_voucher_field_is_a_400_naming_it(client, languages, body, field):
    voucher = VoucherFactory()
    manager = business_manager(voucher.business)
    manager.set_password(PASSWORD)
    manager.save()
    response = client.patch(
        f"/api/v1/vouchers/{voucher.pk}/",
        body,
        content_type="application/json",
        **bearer(token_for(client, manager)),
    )
    assert response.status_code == 400, response.content
    assert any(name.split(".")[0] == field for name in response.json()["fields"])


@pytest.mark.parametrize("listing", ["redemptions", "saved-vouchers"])
def test_my_lists_keep_their_query_count_as_the_page_grows(client, languages, listing):
    def queries_for(count):
        user = user_with_password()
        auth = bearer(token_for(client, user))
        for voucher in VoucherFactory.create_batch(count):
            if listing == "redemptions":
                url = f"/api/v1/vouchers/{voucher.pk}/redeem/"
                client.post(url, HTTP_IDEMPOTENCY_KEY=str(voucher.pk), **auth)
            else:
                body = {"voucher": str(voucher.pk)}
                client.post(f"/api/v1/me/{listing}/", body, content_type="application/json", **auth)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/api/v1/me/{listing}/?page_size=50", **auth)
        assert len(response.json()["results"]) == count
        return len(captured)

    assert queries_for(2) == queries_for(12)
