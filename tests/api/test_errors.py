"""Every error of every endpoint comes in the one shape, with the status the contract names."""

import pytest

from tests.api.conftest import bearer, token_for
from tests.marketplace.factories import VoucherFactory

pytestmark = pytest.mark.django_db

SOME_ID = "01940006-0000-7000-8000-0000000000ff"

SIGNED_IN_ONLY = [
    ("get", "/api/v1/me/"),
    ("get", "/api/v1/me/redemptions/"),
    ("get", "/api/v1/me/saved-vouchers/"),
    ("post", "/api/v1/me/saved-vouchers/"),
    ("delete", f"/api/v1/me/saved-vouchers/{SOME_ID}/"),
    ("post", "/api/v1/vouchers/"),
    ("patch", f"/api/v1/vouchers/{SOME_ID}/"),
    ("post", f"/api/v1/vouchers/{SOME_ID}/publish/"),
    ("post", f"/api/v1/vouchers/{SOME_ID}/pause/"),
    ("post", f"/api/v1/vouchers/{SOME_ID}/archive/"),
    ("post", f"/api/v1/vouchers/{SOME_ID}/redeem/"),
    ("post", f"/api/v1/redemptions/{SOME_ID}/reverse/"),
    ("delete", "/api/v1/auth/tokens/current/"),
]

PATH_IDS = [
    ("get", "/api/v1/businesses/{}/", "business_id"),
    ("get", "/api/v1/vouchers/{}/", "voucher_id"),
    ("patch", "/api/v1/vouchers/{}/", "voucher_id"),
    ("post", "/api/v1/vouchers/{}/publish/", "voucher_id"),
    ("post", "/api/v1/vouchers/{}/redeem/", "voucher_id"),
    ("post", "/api/v1/redemptions/{}/reverse/", "redemption_id"),
    ("delete", "/api/v1/me/saved-vouchers/{}/", "voucher_id"),
]


def assert_error_shape(response, status, code):
    body = response.json()
    assert (response.status_code, body["code"]) == (status, code)
    assert isinstance(body["detail"], str) and body["detail"]
    assert set(body) <= {"code", "detail", "fields"}


@pytest.mark.parametrize(("method", "url"), SIGNED_IN_ONLY)
def test_signed_in_endpoints_answer_401_with_a_bearer_challenge(client, method, url):
    response = getattr(client, method)(url, content_type="application/json")
    assert_error_shape(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "url"), SIGNED_IN_ONLY[:3])
def test_an_unknown_or_malformed_token_is_a_401(client, method, url):
    for header in ("Bearer not-a-token", "Bearer ", "Basic abc"):
        response = getattr(client, method)(url, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert response.json()["code"] in {"authentication_failed", "not_authenticated"}


@pytest.mark.parametrize(("method", "url", "parameter"), PATH_IDS)
def test_a_malformed_id_in_the_path_is_a_400_naming_it(
    client, languages, customer, method, url, parameter
):
    response = getattr(client, method)(
        url.format("not-a-uuid"),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
        **bearer(token_for(client, customer)),
    )
    assert_error_shape(response, 400, "invalid_parameter")
    assert list(response.json()["fields"]) == [parameter]


@pytest.mark.parametrize("url", ["/api/v1/nothing-here/", "/api/v2/vouchers/", "/api/"])
def test_an_unknown_api_path_is_a_json_404(client, url):
    assert_error_shape(client.get(url), 404, "not_found")


def test_a_method_the_endpoint_lacks_is_a_405(client, languages):
    assert_error_shape(client.delete("/api/v1/languages/"), 405, "method_not_allowed")


def test_a_malformed_json_body_is_a_400(client, customer):
    response = client.post("/api/v1/auth/tokens/", "{not json", content_type="application/json")
    assert_error_shape(response, 400, "malformed_request")


def test_a_missing_field_is_a_400_naming_it(client, languages, customer):
    response = client.post(
        "/api/v1/auth/tokens/", {"email": customer.email}, content_type="application/json"
    )
    assert_error_shape(response, 400, "invalid")
    assert list(response.json()["fields"]) == ["password"]


def test_unknown_ids_are_404(client, languages, customer):
    staff = bearer(token_for(client, customer))
    for method, url in [
        ("get", f"/api/v1/vouchers/{SOME_ID}/"),
        ("get", f"/api/v1/businesses/{SOME_ID}/"),
        ("post", f"/api/v1/redemptions/{SOME_ID}/reverse/"),
        ("delete", f"/api/v1/me/saved-vouchers/{SOME_ID}/"),
    ]:
        assert_error_shape(getattr(client, method)(url, **staff), 404, "not_found")
    saved = client.post(
        "/api/v1/me/saved-vouchers/", {"voucher": SOME_ID}, content_type="application/json", **staff
    )
    assert_error_shape(saved, 404, "not_found")


def test_a_draft_is_unknown_to_the_public(client, languages):
    draft = VoucherFactory(state="draft")
    assert_error_shape(client.get(f"/api/v1/vouchers/{draft.pk}/"), 404, "not_found")


@pytest.mark.parametrize("cursor", ["permission_denied", "%F0%AD%9E%A6"])
@pytest.mark.parametrize("query", ["", "near=40.4,-3.7&", "q=pizza&"])
def test_a_cursor_the_list_did_not_give_is_a_400_naming_it(client, languages, query, cursor):
    response = client.get(f"/api/v1/vouchers/?{query}cursor={cursor}")
    assert_error_shape(response, 400, "invalid_parameter")
    assert list(response.json()["fields"]) == ["cursor"]
