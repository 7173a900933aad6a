"""Each language names the text search configuration that stems its words.

Existing languages get the configuration of their primary subtag (es-MX: spanish), or
simple when PostgreSQL ships none for it.
"""

from django.db import migrations, models

CONFIGS = {"da": "danish", "nl": "dutch", "en": "english", "fi": "finnish", "fr": "french", "de": "german", "hu": "hungarian", "it": "italian", "no": "norwegian", "nb": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian", "es": "spanish", "sv": "swedish", "tr": "turkish"}
GUESS = "UPDATE i18n.languages SET search_config = CASE lower(split_part(code, '-', 1)) {} ELSE 'simple' END;".format(
    " ".join(f"WHEN '{tag}' THEN '{config}'" for tag, config in CONFIGS.items())
)


class Migration(migrations.Migration):

    dependencies = [
        ('i18n', '0004_bounded_input'),
    ]

    operations = [
        migrations.AddField(
            model_name='language',
            name='search_config',
            field=models.CharField(choices=[('simple', 'No stemming'), ('danish', 'Danish'), ('dutch', 'Dutch'), ('english', 'English'), ('finnish', 'Finnish'), ('french', 'French'), ('german', 'German'), ('hungarian', 'Hungarian'), ('italian', 'Italian'), ('norwegian', 'Norwegian'), ('portuguese', 'Portuguese'), ('romanian', 'Romanian'), ('russian', 'Russian'), ('spanish', 'Spanish'), ('swedish', 'Swedish'), ('turkish', 'Turkish')], db_default='simple', default='simple', help_text="How full-text search stems this language's words.", max_length=20),
        ),
        migrations.RunSQL(GUESS, reverse_sql=migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name='language',
            constraint=models.CheckConstraint(condition=models.Q(('search_config__in', ['simple', 'danish', 'dutch', 'english', 'finnish', 'french', 'german', 'hungarian', 'italian', 'norwegian', 'portuguese', 'romanian', 'russian', 'spanish', 'swedish', 'turkish'])), name='languages_search_config_valid'),
        ),
    ]
