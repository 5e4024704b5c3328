from django.db import migrations

from merchants.taxonomy import PUBLIC_SERVICES, TAXONOMY


def load_taxonomy(apps, schema_editor):
    Category = apps.get_model("merchants", "Category")
    for order, (slug, zh, en, children) in enumerate(TAXONOMY):
        public = slug == PUBLIC_SERVICES
        parent, _ = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "sort_order": order,
                "is_public_service": public,
                "parent": None,
            },
        )
        for child_order, (child_slug, child_zh, child_en) in enumerate(children):
            Category.objects.update_or_create(
                slug=child_slug,
                defaults={
                    "name_zh": child_zh,
                    "name_en": child_en,
                    "parent": parent,
                    "sort_order": child_order,
                    "is_public_service": public,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("merchants", "0001_initial")]
    operations = [migrations.RunPython(load_taxonomy, migrations.RunPython.noop)]
