"""Translation texts follow a language's fallback chain to the default language."""

import pytest

from i18n.models import Language, Translation
from i18n.selectors import translations_resolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def languages():
    en = Language.objects.create(code="en", name="English", is_default=True)
    es = Language.objects.create(code="es", name="Spanish")
    es_mx = Language.objects.create(code="es-MX", name="Spanish (Mexico)", fallback=es)
    return en, es, es_mx


def test_resolves_through_the_fallback_chain(languages):
    en, es, es_mx = languages
    Translation.objects.create(key="a", language=es_mx, value="a-mx")
    Translation.objects.create(key="a", language=es, value="a-es")
    Translation.objects.create(key="b", language=es, value="b-es")
    Translation.objects.create(key="c", language=en, value="c-en")
    assert translations_resolve(keys=["a", "b", "c", "d"], language_code="es-MX") == {
        "a": "a-mx",
        "b": "b-es",
        "c": "c-en",
    }


def test_without_a_language_the_default_is_used(languages):
    en, es, _ = languages
    Translation.objects.create(key="a", language=es, value="a-es")
    Translation.objects.create(key="a", language=en, value="a-en")
    assert translations_resolve(keys=["a"]) == {"a": "a-en"}
