from django.db import migrations, models


# A running import or report holds a lease: its worker's heartbeat and the token of the run
# that holds it, so a job whose worker died is noticed and taken over or marked (issue 12).


class Migration(migrations.Migration):

    dependencies = [
        ('addressbook', '0015_search_names_stored_per_organization'),
    ]

    operations = [
        migrations.AddField(
            model_name='importjob',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='worker last seen'),
        ),
        migrations.AddField(
            model_name='importjob',
            name='run_token',
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='statisticsreport',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='worker last seen'),
        ),
        migrations.AddField(
            model_name='statisticsreport',
            name='run_token',
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
    ]
