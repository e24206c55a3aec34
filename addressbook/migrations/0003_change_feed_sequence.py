# The change feed's numbers come from their own sequence, drawn only by the sequencer
# (addressbook.services.changes), never at write time.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("addressbook", "0002_initial_directory")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE addressbook_change_sequence",
            reverse_sql="DROP SEQUENCE addressbook_change_sequence",
        )
    ]
