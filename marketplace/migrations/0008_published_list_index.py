# The public voucher list's index, built without locking writers out of the table.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ('business', '0004_bounded_input'),
        ('marketplace', '0007_redemption_functions'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='voucher',
            index=models.Index(condition=models.Q(('state', 'published')), fields=['-created_at', '-id'], name='vouchers_published_new_idx'),
        ),
    ]
