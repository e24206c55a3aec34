import addressbook.models.base
import addressbook.validators
import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.core.validators
import django.db.models.deletion
import django.db.models.functions.datetime
import django.db.models.functions.text
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('addressbook', '0001_postgres_extensions'),
        ('pghistory', '0007_auto_20250421_0444'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CodeSystem',
            fields=[
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated')),
                ('id', models.UUIDField(default=addressbook.models.base.time_ordered_uuid, editable=False, primary_key=True, serialize=False, verbose_name='id')),
                ('status', models.CharField(choices=[('active', 'Active'), ('inactive', 'Inactive')], db_index=True, default='active', help_text='Inactive records are kept, so that lookups can tell them from records that never existed.', max_length=8, verbose_name='status')),
                ('valid_from', models.DateField(blank=True, null=True, verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, help_text='After this date the record is deactivated automatically.', null=True, verbose_name='valid to')),
                ('identifier', models.CharField(help_text='Usually an OID, e.g. 1.2.752.129.2.2.3.1.', max_length=256, validators=[addressbook.validators.validate_identifier], verbose_name='identifier')),
                ('name', models.CharField(max_length=256, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='name')),
                ('version', models.CharField(blank=True, max_length=64, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='version')),
                ('description', models.TextField(blank=True, max_length=1024, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='description')),
            ],
            options={
                'verbose_name': 'code system',
                'verbose_name_plural': 'code systems',
                'ordering': ['name', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Change',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sequence', models.BigIntegerField(editable=False, null=True, unique=True, verbose_name='sequence number')),
                ('resource_type', models.CharField(choices=[('organizations', 'organisations'), ('addresses', 'function addresses'), ('codesystems', 'code systems'), ('codes', 'codes')], max_length=16, verbose_name='resource type')),
                ('resource_id', models.UUIDField(verbose_name='resource id')),
                ('action', models.CharField(choices=[('created', 'created'), ('updated', 'updated'), ('deactivated', 'deactivated'), ('deleted', 'deleted')], max_length=16, verbose_name='action')),
                ('changed_at', models.DateTimeField(default=django.db.models.functions.datetime.Now, verbose_name='changed')),
            ],
            options={
                'verbose_name': 'change',
                'verbose_name_plural': 'changes',
                'ordering': ['sequence'],
                'indexes': [models.Index(condition=models.Q(('sequence__isnull', True)), fields=['id'], name='addressbook_change_pending')],
            },
        ),
        migrations.CreateModel(
            name='Code',
            fields=[
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated')),
                ('id', models.UUIDField(default=addressbook.models.base.time_ordered_uuid, editable=False, primary_key=True, serialize=False, verbose_name='id')),
                ('code', models.CharField(max_length=64, validators=[addressbook.validators.validate_identifier], verbose_name='code')),
                ('display_name', models.CharField(max_length=256, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='display name')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('parent', models.ForeignKey(blank=True, help_text='For hierarchies, e.g. child psychiatry under psychiatry.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='addressbook.code', verbose_name='parent code')),
                ('code_system', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='codes', to='addressbook.codesystem', verbose_name='code system')),
            ],
            options={
                'verbose_name': 'code',
                'verbose_name_plural': 'codes',
                'ordering': ['code_system', 'code'],
            },
        ),
        migrations.CreateModel(
            name='CodeEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('id', models.UUIDField(default=addressbook.models.base.time_ordered_uuid, editable=False, serialize=False, verbose_name='id')),
                ('code', models.CharField(max_length=64, validators=[addressbook.validators.validate_identifier], verbose_name='code')),
                ('display_name', models.CharField(max_length=256, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='display name')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('parent', models.ForeignKey(blank=True, db_constraint=False, help_text='For hierarchies, e.g. child psychiatry under psychiatry.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='addressbook.code', verbose_name='parent code')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='addressbook.code')),
                ('code_system', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='addressbook.codesystem', verbose_name='code system')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='FunctionAddress',
            fields=[
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated')),
                ('id', models.UUIDField(default=addressbook.models.base.time_ordered_uuid, editable=False, primary_key=True, serialize=False, verbose_name='id')),
                ('status', models.CharField(choices=[('active', 'Active'), ('inactive', 'Inactive')], db_index=True, default='active', help_text='Inactive records are kept, so that lookups can tell them from records that never existed.', max_length=8, verbose_name='status')),
                ('valid_from', models.DateField(blank=True, null=True, verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, help_text='After this date the record is deactivated automatically.', null=True, verbose_name='valid to')),
                ('identifier', models.CharField(help_text='Globally unique; messages carry it as their function address, e.g. sdk:inkorg:0203:digg.se. Only federation administrators can change it once saved.', max_length=256, validators=[addressbook.validators.validate_identifier], verbose_name='identifier')),
                ('name', models.CharField(max_length=256, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='name')),
                ('description', models.TextField(blank=True, max_length=1024, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='description')),
                ('keywords', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=64, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters]), blank=True, default=list, help_text='Words people search for, separated by commas.', size=None, verbose_name='search keywords')),
                ('confirmed_at', models.DateTimeField(blank=True, editable=False, help_text='When an administrator last confirmed that the address is staffed and correct.', null=True, verbose_name='confirmed staffed')),
                ('search_document', models.TextField(blank=True, default='', editable=False, verbose_name='search document')),
                ('confirmed_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed by')),
            ],
            options={
                'verbose_name': 'function address',
                'verbose_name_plural': 'function addresses',
                'ordering': ['name', 'id'],
            },
        ),
        migrations.CreateModel(
            name='FunctionAddressCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='classifications', to='addressbook.code', verbose_name='code')),
                ('function_address', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='classifications', to='addressbook.functionaddress', verbose_name='function address')),
            ],
            options={
                'verbose_name': 'classification',
                'verbose_name_plural': 'classifications',
            },
        ),
        migrations.AddField(
            model_name='functionaddress',
            name='codes',
            field=models.ManyToManyField(blank=True, related_name='function_addresses', through='addressbook.FunctionAddressCode', to='addressbook.code', verbose_name='classification codes'),
        ),
        migrations.CreateModel(
            name='FunctionAddressCodeEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('code', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='addressbook.code', verbose_name='code')),
                ('function_address', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='addressbook.functionaddress', verbose_name='function address')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='addressbook.functionaddresscode')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Organization',
            fields=[
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated')),
                ('id', models.UUIDField(default=addressbook.models.base.time_ordered_uuid, editable=False, primary_key=True, serialize=False, verbose_name='id')),
                ('status', models.CharField(choices=[('active', 'Active'), ('inactive', 'Inactive')], db_index=True, default='active', help_text='Inactive records are kept, so that lookups can tell them from records that never existed.', max_length=8, verbose_name='status')),
                ('valid_from', models.DateField(blank=True, null=True, verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, help_text='After this date the record is deactivated automatically.', null=True, verbose_name='valid to')),
                ('type', models.CharField(choices=[('o', 'Participant organisation'), ('ou', 'Sub-organisation')], default='o', help_text='A participant organisation is connected to SDK itself; a sub-organisation is a unit inside one.', max_length=2, verbose_name='type')),
                ('participant_identifier', models.CharField(blank=True, db_index=True, help_text="ISO 6523 identifier that routes messages, e.g. 0203:malmo.se. Sub-organisations carry their participant's identifier.", max_length=256, verbose_name='participant identifier')),
                ('organization_number', models.CharField(blank=True, db_index=True, help_text='Swedish organisation number, NNNNNN-NNNN.', max_length=13, verbose_name='organisation number')),
                ('name', models.CharField(max_length=256, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='name')),
                ('alternate_name', models.CharField(blank=True, help_text='Another name people search for, e.g. an abbreviation.', max_length=256, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='alternate name')),
                ('description', models.TextField(blank=True, max_length=1024, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='description')),
                ('country_code', models.CharField(default='SE', help_text='ISO 3166-1 alpha-2, e.g. SE.', max_length=2, validators=[addressbook.validators.validate_country_code], verbose_name='country code')),
                ('kind', models.CharField(choices=[('municipality', 'Municipality'), ('region', 'Region'), ('agency', 'Government agency'), ('private_care_provider', 'Private care provider'), ('other', 'Other')], default='other', help_text="Municipality, region, agency …; sub-organisations take their participant organisation's category.", max_length=32, verbose_name='category')),
                ('municipality_code', models.CharField(blank=True, help_text='Statistics Sweden (SCB) municipality code, four digits, e.g. 1280 for Malmö.', max_length=4, validators=[addressbook.validators.validate_municipality_code], verbose_name='municipality code')),
                ('county_code', models.CharField(blank=True, choices=[('01', 'Stockholms län'), ('03', 'Uppsala län'), ('04', 'Södermanlands län'), ('05', 'Östergötlands län'), ('06', 'Jönköpings län'), ('07', 'Kronobergs län'), ('08', 'Kalmar län'), ('09', 'Gotlands län'), ('10', 'Blekinge län'), ('12', 'Skåne län'), ('13', 'Hallands län'), ('14', 'Västra Götalands län'), ('17', 'Värmlands län'), ('18', 'Örebro län'), ('19', 'Västmanlands län'), ('20', 'Dalarnas län'), ('21', 'Gävleborgs län'), ('22', 'Västernorrlands län'), ('23', 'Jämtlands län'), ('24', 'Västerbottens län'), ('25', 'Norrbottens län')], help_text='Statistics Sweden (SCB) county code.', max_length=2, verbose_name='county')),
                ('search_document', models.TextField(blank=True, default='', editable=False, verbose_name='search document')),
                ('parent', models.ForeignKey(blank=True, help_text='Required for sub-organisations; left empty for participant organisations.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='sub_organizations', to='addressbook.organization', verbose_name='parent organisation')),
            ],
            options={
                'verbose_name': 'organisation',
                'verbose_name_plural': 'organisations',
                'ordering': ['name', 'id'],
            },
        ),
        migrations.CreateModel(
            name='FunctionAddressEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('id', models.UUIDField(default=addressbook.models.base.time_ordered_uuid, editable=False, serialize=False, verbose_name='id')),
                ('status', models.CharField(choices=[('active', 'Active'), ('inactive', 'Inactive')], default='active', help_text='Inactive records are kept, so that lookups can tell them from records that never existed.', max_length=8, verbose_name='status')),
                ('valid_from', models.DateField(blank=True, null=True, verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, help_text='After this date the record is deactivated automatically.', null=True, verbose_name='valid to')),
                ('identifier', models.CharField(help_text='Globally unique; messages carry it as their function address, e.g. sdk:inkorg:0203:digg.se. Only federation administrators can change it once saved.', max_length=256, validators=[addressbook.validators.validate_identifier], verbose_name='identifier')),
                ('name', models.CharField(max_length=256, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='name')),
                ('description', models.TextField(blank=True, max_length=1024, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='description')),
                ('keywords', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=64, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters]), blank=True, default=list, help_text='Words people search for, separated by commas.', size=None, verbose_name='search keywords')),
                ('confirmed_at', models.DateTimeField(blank=True, editable=False, help_text='When an administrator last confirmed that the address is staffed and correct.', null=True, verbose_name='confirmed staffed')),
                ('confirmed_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed by')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='addressbook.functionaddress')),
                ('organization', models.ForeignKey(db_constraint=False, help_text='The organisation or sub-organisation that receives messages sent to this address.', on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='addressbook.organization', verbose_name='organisation')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.AddField(
            model_name='functionaddress',
            name='organization',
            field=models.ForeignKey(help_text='The organisation or sub-organisation that receives messages sent to this address.', on_delete=django.db.models.deletion.PROTECT, related_name='function_addresses', to='addressbook.organization', verbose_name='organisation'),
        ),
        migrations.CreateModel(
            name='CodeSystemEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('id', models.UUIDField(default=addressbook.models.base.time_ordered_uuid, editable=False, serialize=False, verbose_name='id')),
                ('status', models.CharField(choices=[('active', 'Active'), ('inactive', 'Inactive')], default='active', help_text='Inactive records are kept, so that lookups can tell them from records that never existed.', max_length=8, verbose_name='status')),
                ('valid_from', models.DateField(blank=True, null=True, verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, help_text='After this date the record is deactivated automatically.', null=True, verbose_name='valid to')),
                ('identifier', models.CharField(help_text='Usually an OID, e.g. 1.2.752.129.2.2.3.1.', max_length=256, validators=[addressbook.validators.validate_identifier], verbose_name='identifier')),
                ('name', models.CharField(max_length=256, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='name')),
                ('version', models.CharField(blank=True, max_length=64, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='version')),
                ('description', models.TextField(blank=True, max_length=1024, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='description')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='addressbook.codesystem')),
                ('owner', models.ForeignKey(blank=True, db_constraint=False, help_text='The organisation that maintains the code system.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='addressbook.organization', verbose_name='owner')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.AddField(
            model_name='codesystem',
            name='owner',
            field=models.ForeignKey(blank=True, help_text='The organisation that maintains the code system.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='code_systems', to='addressbook.organization', verbose_name='owner'),
        ),
        migrations.CreateModel(
            name='ApiClient',
            fields=[
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated')),
                ('id', models.UUIDField(default=addressbook.models.base.time_ordered_uuid, editable=False, primary_key=True, serialize=False, verbose_name='id')),
                ('name', models.CharField(max_length=256, unique=True, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='name')),
                ('contact', models.CharField(blank=True, help_text='Who to call about it.', max_length=256, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='contact')),
                ('token_prefix', models.CharField(editable=False, help_text='Tells tokens apart.', max_length=8, verbose_name='token prefix')),
                ('token_hash', models.CharField(editable=False, max_length=64, unique=True)),
                ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='expires')),
                ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='revoked')),
                ('last_used_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='last used')),
                ('throttle_rate', models.CharField(blank=True, help_text='Requests per period, e.g. 6000/min; empty for the default.', max_length=32, validators=[django.core.validators.RegexValidator('^[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)$', 'Write a number of requests per period, e.g. 6000/min or 100/s.')], verbose_name='rate limit')),
                ('organization', models.ForeignKey(blank=True, help_text='The organisation that runs the client, if any.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='api_clients', to='addressbook.organization', verbose_name='organisation')),
            ],
            options={
                'verbose_name': 'API client',
                'verbose_name_plural': 'API clients',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='OrganizationEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('id', models.UUIDField(default=addressbook.models.base.time_ordered_uuid, editable=False, serialize=False, verbose_name='id')),
                ('status', models.CharField(choices=[('active', 'Active'), ('inactive', 'Inactive')], default='active', help_text='Inactive records are kept, so that lookups can tell them from records that never existed.', max_length=8, verbose_name='status')),
                ('valid_from', models.DateField(blank=True, null=True, verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, help_text='After this date the record is deactivated automatically.', null=True, verbose_name='valid to')),
                ('type', models.CharField(choices=[('o', 'Participant organisation'), ('ou', 'Sub-organisation')], default='o', help_text='A participant organisation is connected to SDK itself; a sub-organisation is a unit inside one.', max_length=2, verbose_name='type')),
                ('participant_identifier', models.CharField(blank=True, help_text="ISO 6523 identifier that routes messages, e.g. 0203:malmo.se. Sub-organisations carry their participant's identifier.", max_length=256, verbose_name='participant identifier')),
                ('organization_number', models.CharField(blank=True, help_text='Swedish organisation number, NNNNNN-NNNN.', max_length=13, verbose_name='organisation number')),
                ('name', models.CharField(max_length=256, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='name')),
                ('alternate_name', models.CharField(blank=True, help_text='Another name people search for, e.g. an abbreviation.', max_length=256, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='alternate name')),
                ('description', models.TextField(blank=True, max_length=1024, validators=[addressbook.validators.reject_angle_brackets, addressbook.validators.reject_control_characters], verbose_name='description')),
                ('country_code', models.CharField(default='SE', help_text='ISO 3166-1 alpha-2, e.g. SE.', max_length=2, validators=[addressbook.validators.validate_country_code], verbose_name='country code')),
                ('kind', models.CharField(choices=[('municipality', 'Municipality'), ('region', 'Region'), ('agency', 'Government agency'), ('private_care_provider', 'Private care provider'), ('other', 'Other')], default='other', help_text="Municipality, region, agency …; sub-organisations take their participant organisation's category.", max_length=32, verbose_name='category')),
                ('municipality_code', models.CharField(blank=True, help_text='Statistics Sweden (SCB) municipality code, four digits, e.g. 1280 for Malmö.', max_length=4, validators=[addressbook.validators.validate_municipality_code], verbose_name='municipality code')),
                ('county_code', models.CharField(blank=True, choices=[('01', 'Stockholms län'), ('03', 'Uppsala län'), ('04', 'Södermanlands län'), ('05', 'Östergötlands län'), ('06', 'Jönköpings län'), ('07', 'Kronobergs län'), ('08', 'Kalmar län'), ('09', 'Gotlands län'), ('10', 'Blekinge län'), ('12', 'Skåne län'), ('13', 'Hallands län'), ('14', 'Västra Götalands län'), ('17', 'Värmlands län'), ('18', 'Örebro län'), ('19', 'Västmanlands län'), ('20', 'Dalarnas län'), ('21', 'Gävleborgs län'), ('22', 'Västernorrlands län'), ('23', 'Jämtlands län'), ('24', 'Västerbottens län'), ('25', 'Norrbottens län')], help_text='Statistics Sweden (SCB) county code.', max_length=2, verbose_name='county')),
                ('parent', models.ForeignKey(blank=True, db_constraint=False, help_text='Required for sub-organisations; left empty for participant organisations.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='addressbook.organization', verbose_name='parent organisation')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='addressbook.organization')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.AddIndex(
            model_name='code',
            index=models.Index(fields=['code_system', 'code'], name='addressbook_code_order_idx'),
        ),
        migrations.AddConstraint(
            model_name='code',
            constraint=addressbook.models.base.UniqueForField(models.F('code_system'), django.db.models.functions.text.Lower('code'), field='code', name='addressbook_code_unique_code', violation_error_message='This code already exists in the code system.'),
        ),
        migrations.AddConstraint(
            model_name='code',
            constraint=models.CheckConstraint(condition=models.Q(('parent', models.F('id')), _negated=True), name='addressbook_code_not_own_parent'),
        ),
        migrations.AddConstraint(
            model_name='code',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('code__regex', '[<>]'), _negated=True), models.Q(('display_name__regex', '[<>]'), _negated=True)), name='addressbook_code_text_without_markup', violation_error_message='Text must not contain the characters < or >.'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='code',
            trigger=pgtrigger.compiler.Trigger(name='prevent_parent_cycle', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (NEW."parent_id" IS NOT NULL)', func="\n            IF TG_OP = 'UPDATE' AND OLD.parent_id IS NOT DISTINCT FROM NEW.parent_id THEN\n                RETURN NEW;\n            END IF;\n            PERFORM pg_advisory_xact_lock(hashtext(TG_TABLE_NAME));\n            IF EXISTS (\n                WITH RECURSIVE ancestors(id, parent_id, depth) AS (\n                    SELECT id, parent_id, 1 FROM addressbook_code WHERE id = NEW.parent_id\n                    UNION ALL\n                    SELECT row.id, row.parent_id, ancestors.depth + 1\n                    FROM addressbook_code row JOIN ancestors ON row.id = ancestors.parent_id\n                    WHERE ancestors.depth <= 32\n                )\n                SELECT 1 FROM ancestors WHERE id = NEW.id OR depth > 32\n            ) THEN\n                RAISE EXCEPTION '% % would be its own ancestor', TG_TABLE_NAME, NEW.id\n                    USING ERRCODE = 'check_violation';\n            END IF;\n            RETURN NEW;\n            ", hash='914830816c6ca1f2d3ff905c5e7f47446f91cea2', operation='INSERT OR UPDATE', pgid='pgtrigger_prevent_parent_cycle_c1515', table='addressbook_code', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='code',
            trigger=pgtrigger.compiler.Trigger(name='search_document_cascade', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."display_name" IS DISTINCT FROM (NEW."display_name") OR OLD."parent_id" IS DISTINCT FROM (NEW."parent_id"))', func='\n            UPDATE addressbook_functionaddress SET search_document = NULL\n            WHERE id IN (\n                SELECT fc.function_address_id FROM addressbook_functionaddresscode fc\n                JOIN addressbook_code c ON c.id = fc.code_id\n                WHERE c.id = NEW.id OR c.parent_id = NEW.id\n            );\n            RETURN NULL;\n        ', hash='f6c6ee9293e9279166b3689507327286cce644ef', operation='UPDATE', pgid='pgtrigger_search_document_cascade_4162e', table='addressbook_code', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='code',
            trigger=pgtrigger.compiler.Trigger(name='change_feed_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n            INSERT INTO addressbook_change (resource_type, resource_id, action, changed_at)\n            VALUES ('codes', NEW.id, 'created', now());\n            RETURN NULL;\n        ", hash='8df55cec0d43a3178adc0ca93894eadd42f323b7', operation='INSERT', pgid='pgtrigger_change_feed_insert_0f44c', table='addressbook_code', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='code',
            trigger=pgtrigger.compiler.Trigger(name='change_feed_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."active" IS DISTINCT FROM (NEW."active") OR OLD."code" IS DISTINCT FROM (NEW."code") OR OLD."code_system_id" IS DISTINCT FROM (NEW."code_system_id") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."display_name" IS DISTINCT FROM (NEW."display_name") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."parent_id" IS DISTINCT FROM (NEW."parent_id"))', func="\n            INSERT INTO addressbook_change (resource_type, resource_id, action, changed_at)\n            VALUES ('codes', NEW.id, CASE WHEN (OLD.active) AND NOT (NEW.active) THEN 'deactivated' ELSE 'updated' END, now());\n            RETURN NULL;\n        ", hash='e41fa5cc41910e350b2e1ea173f5ec32e6643cd2', operation='UPDATE', pgid='pgtrigger_change_feed_update_f3004', table='addressbook_code', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='code',
            trigger=pgtrigger.compiler.Trigger(name='change_feed_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n            INSERT INTO addressbook_change (resource_type, resource_id, action, changed_at)\n            VALUES ('codes', OLD.id, 'deleted', now());\n            RETURN NULL;\n        ", hash='a40d25c2b02d2897726e66c3ab4106c98f61ce14', operation='DELETE', pgid='pgtrigger_change_feed_delete_4b0a7', table='addressbook_code', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='code',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "addressbook_codeevent" ("active", "code", "code_system_id", "created_at", "display_name", "id", "parent_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."active", NEW."code", NEW."code_system_id", NEW."created_at", NEW."display_name", NEW."id", NEW."parent_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id"); RETURN NULL;', hash='809dbb65a9a7745717db1247f3d83e85a76d25eb', operation='INSERT', pgid='pgtrigger_insert_insert_2d2ed', table='addressbook_code', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='code',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."active" IS DISTINCT FROM (NEW."active") OR OLD."code" IS DISTINCT FROM (NEW."code") OR OLD."code_system_id" IS DISTINCT FROM (NEW."code_system_id") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."display_name" IS DISTINCT FROM (NEW."display_name") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."parent_id" IS DISTINCT FROM (NEW."parent_id"))', func='INSERT INTO "addressbook_codeevent" ("active", "code", "code_system_id", "created_at", "display_name", "id", "parent_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."active", NEW."code", NEW."code_system_id", NEW."created_at", NEW."display_name", NEW."id", NEW."parent_id", _pgh_attach_context(), NOW(), \'update\', NEW."id"); RETURN NULL;', hash='e7257e3dddfc69c88c42e0fc49a36ff8a2c43aa2', operation='UPDATE', pgid='pgtrigger_update_update_07ab5', table='addressbook_code', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='code',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "addressbook_codeevent" ("active", "code", "code_system_id", "created_at", "display_name", "id", "parent_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (OLD."active", OLD."code", OLD."code_system_id", OLD."created_at", OLD."display_name", OLD."id", OLD."parent_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id"); RETURN NULL;', hash='19eb008d87a9d2d71485efa7fd2deb4f11a5e799', operation='DELETE', pgid='pgtrigger_delete_delete_7e1fa', table='addressbook_code', when='AFTER')),
        ),
        migrations.AddConstraint(
            model_name='functionaddresscode',
            constraint=models.UniqueConstraint(fields=('function_address', 'code'), name='addressbook_functionaddresscode_unique_classification'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='functionaddresscode',
            trigger=pgtrigger.compiler.Trigger(name='search_document_refresh', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n            -- The address changed (its codes): a new updated_at for filter[updatedSince] and\n            -- Last-Modified, and a new search document.\n            UPDATE addressbook_functionaddress SET search_document = NULL, updated_at = clock_timestamp()\n            WHERE id = CASE WHEN TG_OP = 'DELETE'\n                THEN OLD.function_address_id ELSE NEW.function_address_id END;\n            RETURN NULL;\n        ", hash='74beda8dcd196eb912691a6d1764ecda23c56822', operation='INSERT OR DELETE', pgid='pgtrigger_search_document_refresh_73aee', table='addressbook_functionaddresscode', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='functionaddresscode',
            trigger=pgtrigger.compiler.Trigger(name='change_feed', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n            INSERT INTO addressbook_change (resource_type, resource_id, action, changed_at)\n            VALUES (\n                'addresses',\n                CASE WHEN TG_OP = 'DELETE' THEN OLD.function_address_id ELSE NEW.function_address_id END,\n                'updated',\n                now()\n            );\n            RETURN NULL;\n        ", hash='45a9990dc7bf94d9cc3a80bd7aa8ba057db80f80', operation='INSERT OR DELETE', pgid='pgtrigger_change_feed_ee411', table='addressbook_functionaddresscode', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='functionaddresscode',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "addressbook_functionaddresscodeevent" ("code_id", "function_address_id", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."code_id", NEW."function_address_id", NEW."id", _pgh_attach_context(), NOW(), \'insert\', NEW."id"); RETURN NULL;', hash='7e8799f11c6c08bb1ee87ccdad54be3f82e1327a', operation='INSERT', pgid='pgtrigger_insert_insert_d1e7a', table='addressbook_functionaddresscode', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='functionaddresscode',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "addressbook_functionaddresscodeevent" ("code_id", "function_address_id", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (OLD."code_id", OLD."function_address_id", OLD."id", _pgh_attach_context(), NOW(), \'delete\', OLD."id"); RETURN NULL;', hash='6985b4dcf39298a14ec437e5dd1d35e93e5b26d0', operation='DELETE', pgid='pgtrigger_delete_delete_8df6b', table='addressbook_functionaddresscode', when='AFTER')),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['name', 'id'], name='addressbook_org_name_idx'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_document'], name='addressbook_org_search_idx', opclasses=['gin_trgm_ops']),
        ),
        migrations.AddConstraint(
            model_name='organization',
            constraint=addressbook.models.base.UniqueForField(models.F('participant_identifier'), condition=models.Q(('type', 'o')), field='participant_identifier', name='addressbook_organization_unique_participant_identifier', violation_error_message='Another participant organisation already has this identifier.'),
        ),
        migrations.AddConstraint(
            model_name='organization',
            constraint=addressbook.models.base.UniqueForField(models.F('organization_number'), condition=models.Q(('type', 'o'), models.Q(('organization_number', ''), _negated=True)), field='organization_number', name='addressbook_organization_unique_organization_number', violation_error_message='Another participant organisation already has this organisation number.'),
        ),
        migrations.AddConstraint(
            model_name='organization',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('parent__isnull', True), ('type', 'o'), models.Q(('participant_identifier', ''), _negated=True)), models.Q(('parent__isnull', False), ('type', 'ou')), _connector='OR'), name='addressbook_organization_type_matches_parent', violation_error_message='A participant organisation must have an identifier and no parent; a sub-organisation must have a parent.'),
        ),
        migrations.AddConstraint(
            model_name='organization',
            constraint=models.CheckConstraint(condition=models.Q(('parent', models.F('id')), _negated=True), name='addressbook_organization_not_own_parent', violation_error_message='An organisation cannot be its own parent.'),
        ),
        migrations.AddConstraint(
            model_name='organization',
            constraint=models.CheckConstraint(condition=models.Q(('organization_number', ''), ('organization_number__regex', '^[0-9]{10}$'), _connector='OR'), name='addressbook_organization_organization_number_digits', violation_error_message='Enter an organisation number as NNNNNN-NNNN (10 digits).'),
        ),
        migrations.AddConstraint(
            model_name='organization',
            constraint=models.CheckConstraint(condition=models.Q(('participant_identifier', ''), models.Q(('participant_identifier__regex', '^[0-9]{4}:[^[:space:]]+$'), ('participant_identifier', django.db.models.functions.text.Lower('participant_identifier'))), _connector='OR'), name='addressbook_organization_participant_identifier_form', violation_error_message='Enter a participant identifier as ICD:value, for example 0203:malmo.se.'),
        ),
        migrations.AddConstraint(
            model_name='organization',
            constraint=models.CheckConstraint(condition=models.Q(('country_code__regex', '^[A-Z]{2}$')), name='addressbook_organization_country_code_form', violation_error_message='ISO 3166-1 alpha-2, e.g. SE.'),
        ),
        migrations.AddConstraint(
            model_name='organization',
            constraint=models.CheckConstraint(condition=models.Q(('municipality_code', ''), models.Q(('municipality_code__regex', '^[0-9]{4}$'), models.Q(('county_code', ''), ('municipality_code__startswith', models.F('county_code')), _connector='OR')), _connector='OR'), name='addressbook_organization_municipality_in_county', violation_error_message='The municipality code does not lie in the county.'),
        ),
        migrations.AddConstraint(
            model_name='organization',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('name__regex', '[<>]'), _negated=True), models.Q(('alternate_name__regex', '[<>]'), _negated=True), models.Q(('description__regex', '[<>]'), _negated=True)), name='addressbook_organization_text_without_markup', violation_error_message='Text must not contain the characters < or >.'),
        ),
        migrations.AddConstraint(
            model_name='organization',
            constraint=models.CheckConstraint(condition=models.Q(('valid_from__isnull', True), ('valid_to__isnull', True), ('valid_to__gte', models.F('valid_from')), _connector='OR'), name='addressbook_organization_valid_period', violation_error_message='Valid to must not be before valid from.'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organization',
            trigger=pgtrigger.compiler.Trigger(name='prevent_parent_cycle', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (NEW."parent_id" IS NOT NULL)', func="\n            IF TG_OP = 'UPDATE' AND OLD.parent_id IS NOT DISTINCT FROM NEW.parent_id THEN\n                RETURN NEW;\n            END IF;\n            PERFORM pg_advisory_xact_lock(hashtext(TG_TABLE_NAME));\n            IF EXISTS (\n                WITH RECURSIVE ancestors(id, parent_id, depth) AS (\n                    SELECT id, parent_id, 1 FROM addressbook_organization WHERE id = NEW.parent_id\n                    UNION ALL\n                    SELECT row.id, row.parent_id, ancestors.depth + 1\n                    FROM addressbook_organization row JOIN ancestors ON row.id = ancestors.parent_id\n                    WHERE ancestors.depth <= 32\n                )\n                SELECT 1 FROM ancestors WHERE id = NEW.id OR depth > 32\n            ) THEN\n                RAISE EXCEPTION '% % would be its own ancestor', TG_TABLE_NAME, NEW.id\n                    USING ERRCODE = 'check_violation';\n            END IF;\n            RETURN NEW;\n            ", hash='3bfd9f2590cec8e07cdbad00ed2f4d4a641a42c7', operation='INSERT OR UPDATE', pgid='pgtrigger_prevent_parent_cycle_53c1f', table='addressbook_organization', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organization',
            trigger=pgtrigger.compiler.Trigger(name='search_document', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n                PERFORM 1 FROM addressbook_organization WHERE id = NEW.parent_id FOR SHARE;\n                NEW.search_document := lower(unaccent(concat_ws(' ',\n                    NEW.name, NEW.alternate_name, NEW.participant_identifier, NEW.description,\n                    (\n        WITH RECURSIVE up(id, parent_id, name, alternate_name, depth) AS (\n            SELECT id, parent_id, name, alternate_name, 1 FROM addressbook_organization WHERE id = NEW.parent_id\n            UNION ALL\n            SELECT o.id, o.parent_id, o.name, o.alternate_name, up.depth + 1\n            FROM addressbook_organization o JOIN up ON o.id = up.parent_id\n            WHERE up.depth < 32\n        )\n        SELECT string_agg(concat_ws(' ', name, alternate_name), ' ') FROM up\n    )\n                )));\n                RETURN NEW;\n            ", hash='adbf67030e4a9dec04f951441da1e2296de6bc8f', operation='INSERT OR UPDATE', pgid='pgtrigger_search_document_71097', table='addressbook_organization', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organization',
            trigger=pgtrigger.compiler.Trigger(name='search_document_cascade', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."alternate_name" IS DISTINCT FROM (NEW."alternate_name") OR OLD."name" IS DISTINCT FROM (NEW."name") OR OLD."parent_id" IS DISTINCT FROM (NEW."parent_id"))', func='\n                -- Setting the document to NULL makes the BEFORE trigger compute it again.\n                WITH RECURSIVE below(id, depth) AS (\n                    SELECT id, 1 FROM addressbook_organization WHERE parent_id = NEW.id\n                    UNION\n                    SELECT o.id, below.depth + 1\n                    FROM addressbook_organization o JOIN below ON o.parent_id = below.id\n                    WHERE below.depth < 32\n                )\n                UPDATE addressbook_organization SET search_document = NULL WHERE id IN (SELECT id FROM below);\n                WITH RECURSIVE tree(id, depth) AS (\n                    SELECT NEW.id, 0\n                    UNION\n                    SELECT o.id, tree.depth + 1 FROM addressbook_organization o JOIN tree ON o.parent_id = tree.id\n                    WHERE tree.depth < 32\n                )\n                UPDATE addressbook_functionaddress SET search_document = NULL\n                WHERE organization_id IN (SELECT id FROM tree);\n                RETURN NULL;\n            ', hash='3f200369bc28c832a7426db08258b3750550bff1', operation='UPDATE', pgid='pgtrigger_search_document_cascade_4c88a', table='addressbook_organization', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organization',
            trigger=pgtrigger.compiler.Trigger(name='change_feed_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n            INSERT INTO addressbook_change (resource_type, resource_id, action, changed_at)\n            VALUES ('organizations', NEW.id, 'created', now());\n            RETURN NULL;\n        ", hash='cb53d28facb7a4ceffa638b5f748250ca43728a5', operation='INSERT', pgid='pgtrigger_change_feed_insert_3b4d3', table='addressbook_organization', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organization',
            trigger=pgtrigger.compiler.Trigger(name='change_feed_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."alternate_name" IS DISTINCT FROM (NEW."alternate_name") OR OLD."country_code" IS DISTINCT FROM (NEW."country_code") OR OLD."county_code" IS DISTINCT FROM (NEW."county_code") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."municipality_code" IS DISTINCT FROM (NEW."municipality_code") OR OLD."name" IS DISTINCT FROM (NEW."name") OR OLD."organization_number" IS DISTINCT FROM (NEW."organization_number") OR OLD."parent_id" IS DISTINCT FROM (NEW."parent_id") OR OLD."participant_identifier" IS DISTINCT FROM (NEW."participant_identifier") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."type" IS DISTINCT FROM (NEW."type") OR OLD."valid_from" IS DISTINCT FROM (NEW."valid_from") OR OLD."valid_to" IS DISTINCT FROM (NEW."valid_to"))', func="\n            INSERT INTO addressbook_change (resource_type, resource_id, action, changed_at)\n            VALUES ('organizations', NEW.id, CASE WHEN (OLD.status = 'active') AND NOT (NEW.status = 'active') THEN 'deactivated' ELSE 'updated' END, now());\n            RETURN NULL;\n        ", hash='72265a59407f45de9efd31935b6e2dac49310485', operation='UPDATE', pgid='pgtrigger_change_feed_update_63e90', table='addressbook_organization', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organization',
            trigger=pgtrigger.compiler.Trigger(name='change_feed_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n            INSERT INTO addressbook_change (resource_type, resource_id, action, changed_at)\n            VALUES ('organizations', OLD.id, 'deleted', now());\n            RETURN NULL;\n        ", hash='e13bd09e244d296753ed567596846d2d4a90a40c', operation='DELETE', pgid='pgtrigger_change_feed_delete_e8608', table='addressbook_organization', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organization',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "addressbook_organizationevent" ("alternate_name", "country_code", "county_code", "created_at", "description", "id", "kind", "municipality_code", "name", "organization_number", "parent_id", "participant_identifier", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "status", "type", "valid_from", "valid_to") VALUES (NEW."alternate_name", NEW."country_code", NEW."county_code", NEW."created_at", NEW."description", NEW."id", NEW."kind", NEW."municipality_code", NEW."name", NEW."organization_number", NEW."parent_id", NEW."participant_identifier", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."status", NEW."type", NEW."valid_from", NEW."valid_to"); RETURN NULL;', hash='2fd20f37456ba580da414cd82a9fbec3b868a30f', operation='INSERT', pgid='pgtrigger_insert_insert_24603', table='addressbook_organization', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organization',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."alternate_name" IS DISTINCT FROM (NEW."alternate_name") OR OLD."country_code" IS DISTINCT FROM (NEW."country_code") OR OLD."county_code" IS DISTINCT FROM (NEW."county_code") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."municipality_code" IS DISTINCT FROM (NEW."municipality_code") OR OLD."name" IS DISTINCT FROM (NEW."name") OR OLD."organization_number" IS DISTINCT FROM (NEW."organization_number") OR OLD."parent_id" IS DISTINCT FROM (NEW."parent_id") OR OLD."participant_identifier" IS DISTINCT FROM (NEW."participant_identifier") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."type" IS DISTINCT FROM (NEW."type") OR OLD."valid_from" IS DISTINCT FROM (NEW."valid_from") OR OLD."valid_to" IS DISTINCT FROM (NEW."valid_to"))', func='INSERT INTO "addressbook_organizationevent" ("alternate_name", "country_code", "county_code", "created_at", "description", "id", "kind", "municipality_code", "name", "organization_number", "parent_id", "participant_identifier", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "status", "type", "valid_from", "valid_to") VALUES (NEW."alternate_name", NEW."country_code", NEW."county_code", NEW."created_at", NEW."description", NEW."id", NEW."kind", NEW."municipality_code", NEW."name", NEW."organization_number", NEW."parent_id", NEW."participant_identifier", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."status", NEW."type", NEW."valid_from", NEW."valid_to"); RETURN NULL;', hash='2e5b44beeab58359f7b336a1027b496254037944', operation='UPDATE', pgid='pgtrigger_update_update_f4e13', table='addressbook_organization', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organization',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "addressbook_organizationevent" ("alternate_name", "country_code", "county_code", "created_at", "description", "id", "kind", "municipality_code", "name", "organization_number", "parent_id", "participant_identifier", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "status", "type", "valid_from", "valid_to") VALUES (OLD."alternate_name", OLD."country_code", OLD."county_code", OLD."created_at", OLD."description", OLD."id", OLD."kind", OLD."municipality_code", OLD."name", OLD."organization_number", OLD."parent_id", OLD."participant_identifier", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."status", OLD."type", OLD."valid_from", OLD."valid_to"); RETURN NULL;', hash='b4a6bb293f32d0472e50fce3aed27dde5630d14c', operation='DELETE', pgid='pgtrigger_delete_delete_37c99', table='addressbook_organization', when='AFTER')),
        ),
        migrations.AddIndex(
            model_name='functionaddress',
            index=models.Index(fields=['name', 'id'], name='addressbook_address_name_idx'),
        ),
        migrations.AddIndex(
            model_name='functionaddress',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_document'], name='addressbook_address_search_idx', opclasses=['gin_trgm_ops']),
        ),
        migrations.AddConstraint(
            model_name='functionaddress',
            constraint=addressbook.models.base.UniqueForField(django.db.models.functions.text.Lower('identifier'), field='identifier', name='addressbook_functionaddress_unique_identifier', violation_error_message='A function address with this identifier already exists.'),
        ),
        migrations.AddConstraint(
            model_name='functionaddress',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('identifier__regex', '[<>]'), _negated=True), models.Q(('name__regex', '[<>]'), _negated=True), models.Q(('description__regex', '[<>]'), _negated=True)), name='addressbook_functionaddress_text_without_markup', violation_error_message='Text must not contain the characters < or >.'),
        ),
        migrations.AddConstraint(
            model_name='functionaddress',
            constraint=models.CheckConstraint(condition=models.Q(('valid_from__isnull', True), ('valid_to__isnull', True), ('valid_to__gte', models.F('valid_from')), _connector='OR'), name='addressbook_functionaddress_valid_period', violation_error_message='Valid to must not be before valid from.'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='functionaddress',
            trigger=pgtrigger.compiler.Trigger(name='search_document', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n            PERFORM 1 FROM addressbook_organization WHERE id = NEW.organization_id FOR SHARE;\n            NEW.search_document := lower(unaccent(concat_ws(' ',\n                NEW.name, NEW.identifier, NEW.description, array_to_string(NEW.keywords, ' '),\n                (\n        WITH RECURSIVE up(id, parent_id, name, alternate_name, depth) AS (\n            SELECT id, parent_id, name, alternate_name, 1 FROM addressbook_organization WHERE id = NEW.organization_id\n            UNION ALL\n            SELECT o.id, o.parent_id, o.name, o.alternate_name, up.depth + 1\n            FROM addressbook_organization o JOIN up ON o.id = up.parent_id\n            WHERE up.depth < 32\n        )\n        SELECT string_agg(concat_ws(' ', name, alternate_name), ' ') FROM up\n    ),\n                (SELECT string_agg(concat_ws(' ', c.display_name, p.display_name), ' ')\n                 FROM addressbook_functionaddresscode fc\n                 JOIN addressbook_code c ON c.id = fc.code_id\n                 LEFT JOIN addressbook_code p ON p.id = c.parent_id\n                 WHERE fc.function_address_id = NEW.id)\n            )));\n            RETURN NEW;\n        ", hash='b8685672cf9c0b3b50634cda4c8bca880d519ce5', operation='INSERT OR UPDATE', pgid='pgtrigger_search_document_a3b0e', table='addressbook_functionaddress', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='functionaddress',
            trigger=pgtrigger.compiler.Trigger(name='change_feed_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n            INSERT INTO addressbook_change (resource_type, resource_id, action, changed_at)\n            VALUES ('addresses', NEW.id, 'created', now());\n            RETURN NULL;\n        ", hash='2b05467f29736fb02540cbe4b4ca7c86b5da7f53', operation='INSERT', pgid='pgtrigger_change_feed_insert_f1931', table='addressbook_functionaddress', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='functionaddress',
            trigger=pgtrigger.compiler.Trigger(name='change_feed_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."identifier" IS DISTINCT FROM (NEW."identifier") OR OLD."keywords" IS DISTINCT FROM (NEW."keywords") OR OLD."name" IS DISTINCT FROM (NEW."name") OR OLD."organization_id" IS DISTINCT FROM (NEW."organization_id") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."valid_from" IS DISTINCT FROM (NEW."valid_from") OR OLD."valid_to" IS DISTINCT FROM (NEW."valid_to"))', func="\n            INSERT INTO addressbook_change (resource_type, resource_id, action, changed_at)\n            VALUES ('addresses', NEW.id, CASE WHEN (OLD.status = 'active') AND NOT (NEW.status = 'active') THEN 'deactivated' ELSE 'updated' END, now());\n            RETURN NULL;\n        ", hash='631dd7a17e7aa05c3f941f4ef76c61b8b45faa30', operation='UPDATE', pgid='pgtrigger_change_feed_update_930d9', table='addressbook_functionaddress', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='functionaddress',
            trigger=pgtrigger.compiler.Trigger(name='change_feed_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n            INSERT INTO addressbook_change (resource_type, resource_id, action, changed_at)\n            VALUES ('addresses', OLD.id, 'deleted', now());\n            RETURN NULL;\n        ", hash='7908aed3abe895a85df7c135b0120f17e2dce986', operation='DELETE', pgid='pgtrigger_change_feed_delete_ba577', table='addressbook_functionaddress', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='functionaddress',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "addressbook_functionaddressevent" ("confirmed_at", "confirmed_by_id", "created_at", "description", "id", "identifier", "keywords", "name", "organization_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "status", "valid_from", "valid_to") VALUES (NEW."confirmed_at", NEW."confirmed_by_id", NEW."created_at", NEW."description", NEW."id", NEW."identifier", NEW."keywords", NEW."name", NEW."organization_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."status", NEW."valid_from", NEW."valid_to"); RETURN NULL;', hash='7ca7e9762c856e121099fecd993f4e7a8efcf310', operation='INSERT', pgid='pgtrigger_insert_insert_1f4ee', table='addressbook_functionaddress', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='functionaddress',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."confirmed_at" IS DISTINCT FROM (NEW."confirmed_at") OR OLD."confirmed_by_id" IS DISTINCT FROM (NEW."confirmed_by_id") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."identifier" IS DISTINCT FROM (NEW."identifier") OR OLD."keywords" IS DISTINCT FROM (NEW."keywords") OR OLD."name" IS DISTINCT FROM (NEW."name") OR OLD."organization_id" IS DISTINCT FROM (NEW."organization_id") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."valid_from" IS DISTINCT FROM (NEW."valid_from") OR OLD."valid_to" IS DISTINCT FROM (NEW."valid_to"))', func='INSERT INTO "addressbook_functionaddressevent" ("confirmed_at", "confirmed_by_id", "created_at", "description", "id", "identifier", "keywords", "name", "organization_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "status", "valid_from", "valid_to") VALUES (NEW."confirmed_at", NEW."confirmed_by_id", NEW."created_at", NEW."description", NEW."id", NEW."identifier", NEW."keywords", NEW."name", NEW."organization_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."status", NEW."valid_from", NEW."valid_to"); RETURN NULL;', hash='9df3da207d0bc85cb2cb97ea302ddb776025374b', operation='UPDATE', pgid='pgtrigger_update_update_ed1ed', table='addressbook_functionaddress', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='functionaddress',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "addressbook_functionaddressevent" ("confirmed_at", "confirmed_by_id", "created_at", "description", "id", "identifier", "keywords", "name", "organization_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "status", "valid_from", "valid_to") VALUES (OLD."confirmed_at", OLD."confirmed_by_id", OLD."created_at", OLD."description", OLD."id", OLD."identifier", OLD."keywords", OLD."name", OLD."organization_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."status", OLD."valid_from", OLD."valid_to"); RETURN NULL;', hash='bec33040b4182fa2f352aa1fed879637f25d4c38', operation='DELETE', pgid='pgtrigger_delete_delete_4f81a', table='addressbook_functionaddress', when='AFTER')),
        ),
        migrations.AddIndex(
            model_name='codesystem',
            index=models.Index(fields=['name', 'id'], name='addressbook_codesys_name_idx'),
        ),
        migrations.AddConstraint(
            model_name='codesystem',
            constraint=addressbook.models.base.UniqueForField(django.db.models.functions.text.Lower('identifier'), models.F('version'), field='identifier', name='addressbook_codesystem_unique_identifier_version', violation_error_message='A code system with this identifier and version already exists.'),
        ),
        migrations.AddConstraint(
            model_name='codesystem',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('identifier__regex', '[<>]'), _negated=True), models.Q(('name__regex', '[<>]'), _negated=True), models.Q(('version__regex', '[<>]'), _negated=True), models.Q(('description__regex', '[<>]'), _negated=True)), name='addressbook_codesystem_text_without_markup', violation_error_message='Text must not contain the characters < or >.'),
        ),
        migrations.AddConstraint(
            model_name='codesystem',
            constraint=models.CheckConstraint(condition=models.Q(('valid_from__isnull', True), ('valid_to__isnull', True), ('valid_to__gte', models.F('valid_from')), _connector='OR'), name='addressbook_codesystem_valid_period', violation_error_message='Valid to must not be before valid from.'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='codesystem',
            trigger=pgtrigger.compiler.Trigger(name='change_feed_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n            INSERT INTO addressbook_change (resource_type, resource_id, action, changed_at)\n            VALUES ('codesystems', NEW.id, 'created', now());\n            RETURN NULL;\n        ", hash='927cabaaa822773e97ccef521c5fdae551a2ae53', operation='INSERT', pgid='pgtrigger_change_feed_insert_a7a3f', table='addressbook_codesystem', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='codesystem',
            trigger=pgtrigger.compiler.Trigger(name='change_feed_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."identifier" IS DISTINCT FROM (NEW."identifier") OR OLD."name" IS DISTINCT FROM (NEW."name") OR OLD."owner_id" IS DISTINCT FROM (NEW."owner_id") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."valid_from" IS DISTINCT FROM (NEW."valid_from") OR OLD."valid_to" IS DISTINCT FROM (NEW."valid_to") OR OLD."version" IS DISTINCT FROM (NEW."version"))', func="\n            INSERT INTO addressbook_change (resource_type, resource_id, action, changed_at)\n            VALUES ('codesystems', NEW.id, CASE WHEN (OLD.status = 'active') AND NOT (NEW.status = 'active') THEN 'deactivated' ELSE 'updated' END, now());\n            RETURN NULL;\n        ", hash='081e4f05df5684cc0287338c75449137545b648e', operation='UPDATE', pgid='pgtrigger_change_feed_update_a3fb1', table='addressbook_codesystem', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='codesystem',
            trigger=pgtrigger.compiler.Trigger(name='change_feed_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n            INSERT INTO addressbook_change (resource_type, resource_id, action, changed_at)\n            VALUES ('codesystems', OLD.id, 'deleted', now());\n            RETURN NULL;\n        ", hash='eb6032e758e33dafc05b5ab059790e862ee7ce28', operation='DELETE', pgid='pgtrigger_change_feed_delete_40f51', table='addressbook_codesystem', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='codesystem',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "addressbook_codesystemevent" ("created_at", "description", "id", "identifier", "name", "owner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "status", "valid_from", "valid_to", "version") VALUES (NEW."created_at", NEW."description", NEW."id", NEW."identifier", NEW."name", NEW."owner_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."status", NEW."valid_from", NEW."valid_to", NEW."version"); RETURN NULL;', hash='7fec7f1be8db71c2242d44582fae9de652ba4b8d', operation='INSERT', pgid='pgtrigger_insert_insert_0cda9', table='addressbook_codesystem', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='codesystem',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."identifier" IS DISTINCT FROM (NEW."identifier") OR OLD."name" IS DISTINCT FROM (NEW."name") OR OLD."owner_id" IS DISTINCT FROM (NEW."owner_id") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."valid_from" IS DISTINCT FROM (NEW."valid_from") OR OLD."valid_to" IS DISTINCT FROM (NEW."valid_to") OR OLD."version" IS DISTINCT FROM (NEW."version"))', func='INSERT INTO "addressbook_codesystemevent" ("created_at", "description", "id", "identifier", "name", "owner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "status", "valid_from", "valid_to", "version") VALUES (NEW."created_at", NEW."description", NEW."id", NEW."identifier", NEW."name", NEW."owner_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."status", NEW."valid_from", NEW."valid_to", NEW."version"); RETURN NULL;', hash='07627ffdaa7e215c535715641b2842d0add4473b', operation='UPDATE', pgid='pgtrigger_update_update_ec3e7', table='addressbook_codesystem', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='codesystem',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "addressbook_codesystemevent" ("created_at", "description", "id", "identifier", "name", "owner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "status", "valid_from", "valid_to", "version") VALUES (OLD."created_at", OLD."description", OLD."id", OLD."identifier", OLD."name", OLD."owner_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."status", OLD."valid_from", OLD."valid_to", OLD."version"); RETURN NULL;', hash='eb4c91856ec3dc44f8a5fea3ac76c6c41056107c', operation='DELETE', pgid='pgtrigger_delete_delete_18a47', table='addressbook_codesystem', when='AFTER')),
        ),
    ]
