"""Languages and categories: public lists, in display order, names in the language."""

import pytest

from i18n.models import Language, Translation
from tests.catalog.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def test_languages_are_public_the_default_first_with_their_fallback(client, languages):
    _, es = languages
    Language.objects.create(code="es-MX", name="Mexican Spanish", fallback=es)
    Language.objects.create(code="fr", name="French", is_active=False)
    body = client.get("/api/v1/languages/").json()
    assert [(item["code"], item["fallback"]) for item in body] == [
        ("en", None),
        ("es", None),
        ("es-MX", "es"),
    ]


def test_categories_are_public_in_order_with_names_in_the_language(client, languages):
    _, es = languages
    second = CategoryFactory(sort_order=2)
    first = CategoryFactory(sort_order=1)
    CategoryFactory(sort_order=0, is_active=False)
    Translation.objects.create(key=first.name_key, language=es, value="Restaurantes")
    body = client.get("/api/v1/categories/?lang=es").json()
    assert [(c["id"], c["name"]) for c in body] == [
        (str(first.pk), "Restaurantes"),
        (str(second.pk), second.name_key),
    ]


def test_an_unknown_language_is_a_400_naming_lang(client, languages):
    response = client.get("/api/v1/categories/?lang=xx")
    assert (response.status_code, list(response.json()["fields"])) == (400, ["lang"])
