"""One convention for every discount in the API: the share taken off (`percent_off`), as for
coupons. A level's `price_percent` (the share paid: 88 = 八八折) becomes `percent_off`
(12 = 八八折). History rows are converted by audit.0004."""

import pgtrigger
from django.db import migrations, models
from django.db.models import F, Q


def share_paid_to_share_off(apps, schema_editor):
    Level = apps.get_model("loyalty", "Level")
    with pgtrigger.ignore():  # a data conversion, not a merchant's change: no history event
        Level.objects.update(price_percent=100 - F("price_percent"))


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0005_card_invitations")]

    operations = [
        migrations.RemoveConstraint(model_name="level", name="level_price_percent_1_100"),
        migrations.RunPython(share_paid_to_share_off, share_paid_to_share_off),
        migrations.RenameField(
            model_name="level", old_name="price_percent", new_name="percent_off"
        ),
        migrations.AlterField(
            model_name="level",
            name="percent_off",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="减去价格的百分比：0 = 原价，12 = 八八折（与优惠券的 percent_off 同义）",
                verbose_name="会员折扣（减去的百分比）",
            ),
        ),
        migrations.AddConstraint(
            model_name="level",
            constraint=models.CheckConstraint(
                condition=Q(percent_off__gte=0, percent_off__lte=99),
                name="level_percent_off_0_99",
            ),
        ),
    ]
