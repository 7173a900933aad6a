"""Print (or write into the README) the overview of every schema's tables."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pika.entities import README_END, README_START, entities_markdown, readme_with_entities


class Command(BaseCommand):
    help = (
        "Print a Markdown overview of every schema: its tables, their models, what they hold "
        "and what they reference (with the on-delete rule). --update-readme rewrites the "
        "generated block of README.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update-readme", action="store_true", help="Rewrite the block in README.md."
        )

    def handle(self, *args, update_readme=False, **options):
        if not update_readme:
            self.stdout.write(entities_markdown(), ending="")
            return
        readme = Path(settings.BASE_DIR) / "README.md"
        text = readme.read_text()
        if README_START not in text or README_END not in text:
            raise CommandError(f"README.md has no {README_START} … {README_END} block")
        readme.write_text(readme_with_entities(text))
        self.stdout.write(f"Updated the entities block of {readme}")
