"""Languages and the translations that every *_key column of the platform points into."""

from django.db import models
from django.db.models import Q

from pika.db.bounded import BoundedTextField
from pika.db.tables import schema_table
from pika.models import PikaModel


class SearchConfig(models.TextChoices):
    """PostgreSQL's text search configurations: how a language's words are stemmed."""

    SIMPLE = "simple", "No stemming"
    DANISH = "danish", "Danish"
    DUTCH = "dutch", "Dutch"
    ENGLISH = "english", "English"
    FINNISH = "finnish", "Finnish"
    FRENCH = "french", "French"
    GERMAN = "german", "German"
    HUNGARIAN = "hungarian", "Hungarian"
    ITALIAN = "italian", "Italian"
    NORWEGIAN = "norwegian", "Norwegian"
    PORTUGUESE = "portuguese", "Portuguese"
    ROMANIAN = "romanian", "Romanian"
    RUSSIAN = "russian", "Russian"
    SPANISH = "spanish", "Spanish"
    SWEDISH = "swedish", "Swedish"
    TURKISH = "turkish", "Turkish"


class Language(PikaModel):
    """A language content can be translated into; exactly one may be the default."""

    code = models.CharField(max_length=10, unique=True, help_text="BCP 47 tag, e.g. en, es-MX.")
    name = models.CharField(max_length=100)
    native_name = models.CharField(max_length=100, blank=True, db_default="")
    is_default = models.BooleanField(default=False, db_default=False)
    is_active = models.BooleanField(default=True, db_default=True)
    fallback = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Where a missing translation is looked up next (es-MX → es); "
        "the default language ends every chain.",
        db_index=False,  # indexed by name in Meta.indexes
    )
    search_config = models.CharField(
        max_length=20,
        choices=SearchConfig,
        default=SearchConfig.SIMPLE,
        db_default=SearchConfig.SIMPLE,
        help_text="How full-text search stems this language's words.",
    )

    class Meta:
        db_table = schema_table("i18n", "languages")
        indexes = [
            models.Index(fields=["fallback"], name="languages_fallback_idx"),
        ]
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(fallback=models.F("id")), name="languages_not_own_fallback"
            ),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="languages_one_default"
            ),
            models.CheckConstraint(
                condition=Q(search_config__in=SearchConfig.values),
                name="languages_search_config_valid",
            ),
        ]

    def __str__(self):
        return self.code


class Translation(PikaModel):
    """The text of one translation key in one language."""

    key = models.CharField(max_length=255)
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        related_name="translations",
        db_index=False,  # indexed by name in Meta.indexes
    )
    value = BoundedTextField(max_length=10_000)
    domain = models.CharField(
        max_length=50,
        null=True,
        blank=True,
        help_text="What the key belongs to: business, voucher, category, …",
    )
    verified = models.BooleanField(default=False, db_default=False)

    class Meta:
        db_table = schema_table("i18n", "translations")
        ordering = ["key", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "language"], name="translations_key_language_uniq"
            ),
        ]
        indexes = [
            models.Index(fields=["language"], name="translations_language_idx"),
            models.Index(fields=["domain"], name="translations_domain_idx"),
            models.Index(fields=["verified"], name="translations_verified_idx"),
        ]

    def __str__(self):
        return f"{self.key} [{self.language_id}]"
