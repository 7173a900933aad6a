"""Fixed amounts name their currency; each voucher owns its translation keys; idempotency
keys are scoped per user.

- ``currency``: ISO 4217, required for a fixed amount, absent for a percentage. Existing
  fixed-amount vouchers are taken to be in euros (reversing drops the column).
- Each ``*_key`` is unique and shaped ``voucher.<name>.<field>``, so a business's staff may
  write the translations of their own vouchers without reaching other texts. Keys of the
  data generator's earlier shape (``gen<seed>.voucher.<n>.<field>``) are renamed, in the
  vouchers and in the translations, both ways.
- A redemption's idempotency key is unique per user: clients choose their own keys.
"""

from django.conf import settings
from django.db import migrations, models

CURRENCY = "UPDATE marketplace.vouchers SET currency = 'EUR' WHERE discount_type = 'fixed';"
RENAME = """
UPDATE marketplace.vouchers SET
    title_key = regexp_replace(title_key, '^gen([0-9]+)\\.voucher\\.', 'voucher.gen\\1.'),
    description_key = regexp_replace(description_key, '^gen([0-9]+)\\.voucher\\.', 'voucher.gen\\1.'),
    terms_key = regexp_replace(terms_key, '^gen([0-9]+)\\.voucher\\.', 'voucher.gen\\1.')
WHERE title_key ~ '^gen[0-9]+\\.voucher\\.';
UPDATE i18n.translations SET key = regexp_replace(key, '^gen([0-9]+)\\.voucher\\.', 'voucher.gen\\1.')
WHERE key ~ '^gen[0-9]+\\.voucher\\.';
"""
RENAME_BACK = """
UPDATE marketplace.vouchers SET
    title_key = regexp_replace(title_key, '^voucher\\.gen([0-9]+)\\.', 'gen\\1.voucher.'),
    description_key = regexp_replace(description_key, '^voucher\\.gen([0-9]+)\\.', 'gen\\1.voucher.'),
    terms_key = regexp_replace(terms_key, '^voucher\\.gen([0-9]+)\\.', 'gen\\1.voucher.')
WHERE title_key ~ '^voucher\\.gen[0-9]+\\.';
UPDATE i18n.translations SET key = regexp_replace(key, '^voucher\\.gen([0-9]+)\\.', 'gen\\1.voucher.')
WHERE key ~ '^voucher\\.gen[0-9]+\\.';
"""


class Migration(migrations.Migration):

    dependencies = [
        # Reads and rewrites i18n.translations (the voucher-owned keys).
        ('i18n', '0004_bounded_input'),
        ('marketplace', '0004_bounded_input'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='voucher',
            name='currency',
            field=models.CharField(blank=True, help_text='ISO 4217 code of a fixed amount (EUR); empty for a percentage.', max_length=3, null=True),
        ),
        migrations.RunSQL(CURRENCY, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(RENAME, reverse_sql=RENAME_BACK),
        migrations.AlterField(
            model_name='redemption',
            name='idempotency_key',
            field=models.CharField(help_text='Chosen by the client; unique per user, not globally.', max_length=255),
        ),
        migrations.AddConstraint(
            model_name='redemption',
            constraint=models.UniqueConstraint(fields=('user', 'idempotency_key'), name='redemptions_user_idempotency_uniq'),
        ),
        migrations.AddConstraint(
            model_name='voucher',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('currency__isnull', False), ('currency__regex', '^[A-Z]{3}$'), ('discount_type', 'fixed')), models.Q(('currency__isnull', True), ('discount_type', 'percentage')), _connector='OR'), name='vouchers_fixed_amount_has_currency'),
        ),
        migrations.AddConstraint(
            model_name='voucher',
            constraint=models.CheckConstraint(condition=models.Q(('title_key__regex', '^voucher\\.[^\\s]+\\.title$')), name='vouchers_title_key_shape'),
        ),
        migrations.AddConstraint(
            model_name='voucher',
            constraint=models.CheckConstraint(condition=models.Q(('description_key__regex', '^voucher\\.[^\\s]+\\.description$')), name='vouchers_description_key_shape'),
        ),
        migrations.AddConstraint(
            model_name='voucher',
            constraint=models.CheckConstraint(condition=models.Q(('terms_key__regex', '^voucher\\.[^\\s]+\\.terms$')), name='vouchers_terms_key_shape'),
        ),
        migrations.AddConstraint(
            model_name='voucher',
            constraint=models.UniqueConstraint(fields=('title_key',), name='vouchers_title_key_uniq'),
        ),
        migrations.AddConstraint(
            model_name='voucher',
            constraint=models.UniqueConstraint(fields=('description_key',), name='vouchers_description_key_uniq'),
        ),
        migrations.AddConstraint(
            model_name='voucher',
            constraint=models.UniqueConstraint(fields=('terms_key',), name='vouchers_terms_key_uniq'),
        ),
    ]
