# Counts from indexes alone: a status with an item (the list filtered by status and category),
# and the requests with a status on a day (as_of with status) without reading their spans.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0021_search_across_scripts"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="statusspan",
            name="statusspan_status_on",
        ),
        migrations.AddIndex(
            model_name="aidrequest",
            index=models.Index(
                models.F("status"),
                models.F("item"),
                models.F("id"),
                name="aidrequest_status_item_id",
            ),
        ),
        migrations.AddIndex(
            model_name="statusspan",
            index=models.Index(
                models.F("status"),
                models.F("known_from"),
                models.F("known_until"),
                models.F("request"),
                name="statusspan_status_on",
            ),
        ),
    ]
