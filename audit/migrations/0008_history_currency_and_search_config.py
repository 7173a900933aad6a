

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0007_bounded_input'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicallanguage',
            name='search_config',
            field=models.CharField(choices=[('simple', 'No stemming'), ('danish', 'Danish'), ('dutch', 'Dutch'), ('english', 'English'), ('finnish', 'Finnish'), ('french', 'French'), ('german', 'German'), ('hungarian', 'Hungarian'), ('italian', 'Italian'), ('norwegian', 'Norwegian'), ('portuguese', 'Portuguese'), ('romanian', 'Romanian'), ('russian', 'Russian'), ('spanish', 'Spanish'), ('swedish', 'Swedish'), ('turkish', 'Turkish')], default='simple', help_text="How full-text search stems this language's words.", max_length=20),
        ),
        migrations.AddField(
            model_name='historicalvoucher',
            name='currency',
            field=models.CharField(blank=True, help_text='ISO 4217 code of a fixed amount (EUR); empty for a percentage.', max_length=3, null=True),
        ),
        migrations.AlterField(
            model_name='historicalredemption',
            name='idempotency_key',
            field=models.CharField(help_text='Chosen by the client; unique per user, not globally.', max_length=255),
        ),
    ]
