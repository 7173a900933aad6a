"""The README's entity overview is the one the models generate."""

from pathlib import Path

from django.conf import settings

from pika.entities import entities_markdown, readme_with_entities


def test_readme_entities_block_is_up_to_date():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert readme_with_entities(readme) == readme, (
        "README.md is stale: run manage.py describe_schemas --update-readme"
    )


def test_overview_names_every_schema_with_tables_and_their_references():
    text = entities_markdown()
    for schema in ("users", "identity", "security", "support", "payments", "files", "i18n"):
        assert f"### `{schema}`" in text
    assert "`payment` → `payments.payments` (PROTECT)" in text
    assert "`marketplace.vouchers`" in text
