"""Level history follows loyalty.0004: `price_percent` (share paid) -> `percent_off` (share
taken off), so old and new events read the same way."""

import pgtrigger
from django.db import migrations, models
from django.db.models import F


def share_paid_to_share_off(apps, schema_editor):
    LevelEvent = apps.get_model("audit", "LevelEvent")
    with pgtrigger.ignore():  # the event table is append-only; this is its one conversion
        LevelEvent.objects.update(price_percent=100 - F("price_percent"))


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_payment_async_fields"),
        ("loyalty", "0006_level_percent_off"),
    ]

    operations = [
        migrations.RunPython(share_paid_to_share_off, share_paid_to_share_off),
        migrations.RenameField(
            model_name="levelevent", old_name="price_percent", new_name="percent_off"
        ),
        migrations.AlterField(
            model_name="levelevent",
            name="percent_off",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="减去价格的百分比：0 = 原价，12 = 八八折（与优惠券的 percent_off 同义）",
                verbose_name="会员折扣（减去的百分比）",
            ),
        ),
    ]
