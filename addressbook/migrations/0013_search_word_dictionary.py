# Search by words (see addressbook/models/search.py): each record's words, a generated tsvector
# with a GIN index, computed by PostgreSQL as the tables are rewritten (so no trigger, no
# history, no change-feed entry); the dictionary of all words that typed words are corrected
# against, filled once from them before its trigram index is built (one bulk build instead of
# thousands of index insertions); its triggers; and the function that finds candidate words.
# fuzzystrmatch (levenshtein) is a trusted extension: the database owner may create it.

import django.contrib.postgres.indexes
import django.contrib.postgres.operations
import django.contrib.postgres.search
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('addressbook', '0012_history_context_without_subtransactions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        django.contrib.postgres.operations.CreateExtension("fuzzystrmatch"),
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('word', models.CharField(max_length=64, primary_key=True, serialize=False, verbose_name='word')),
            ],
            options={
                'verbose_name': 'search word',
                'verbose_name_plural': 'search words',
                'ordering': ['word'],
            },
        ),
        migrations.RemoveIndex(
            model_name='functionaddress',
            name='addressbook_address_search_idx',
        ),
        migrations.RemoveIndex(
            model_name='organization',
            name='addressbook_org_search_idx',
        ),
        migrations.AddField(
            model_name='functionaddress',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=models.Func(models.Func(models.Func(models.F('search_document'), models.Value('[^[:alnum:]]+'), function='regexp_split_to_array'), models.Value(''), function='array_remove'), function='array_to_tsvector', output_field=django.contrib.postgres.search.SearchVectorField()), output_field=django.contrib.postgres.search.SearchVectorField(), verbose_name='search words'),
        ),
        migrations.AddField(
            model_name='organization',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=models.Func(models.Func(models.Func(models.F('search_document'), models.Value('[^[:alnum:]]+'), function='regexp_split_to_array'), models.Value(''), function='array_remove'), function='array_to_tsvector', output_field=django.contrib.postgres.search.SearchVectorField()), output_field=django.contrib.postgres.search.SearchVectorField(), verbose_name='search words'),
        ),
        migrations.AddIndex(
            model_name='functionaddress',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='addressbook_address_words_idx'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='addressbook_org_words_idx'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='functionaddress',
            trigger=pgtrigger.compiler.Trigger(name='search_words_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n        INSERT INTO addressbook_searchword (word)\n        SELECT DISTINCT new_words.word\n        FROM (SELECT unnest(tsvector_to_array(search_vector)) AS word FROM new_rows) AS new_words\n        WHERE new_words.word ~ '^[[:alpha:]]{3,64}$'\n        ORDER BY 1\n        ON CONFLICT DO NOTHING;\n        RETURN NULL;\n    ", hash='fbebf86b768c49de20deb517658299b746338bb4', level='STATEMENT', operation='INSERT', pgid='pgtrigger_search_words_insert_d6bee', referencing='REFERENCING NEW TABLE AS new_rows ', table='addressbook_functionaddress', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='functionaddress',
            trigger=pgtrigger.compiler.Trigger(name='search_words_update', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n        INSERT INTO addressbook_searchword (word)\n        SELECT DISTINCT new_words.word\n        FROM (SELECT unnest(tsvector_to_array(search_vector)) AS word FROM (SELECT n.search_vector FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.search_vector IS DISTINCT FROM o.search_vector) AS changed) AS new_words\n        WHERE new_words.word ~ '^[[:alpha:]]{3,64}$'\n        ORDER BY 1\n        ON CONFLICT DO NOTHING;\n        RETURN NULL;\n    ", hash='790c9fd238e8e36090c580973ee1d2fc5d066ec7', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_search_words_update_5e5d3', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='addressbook_functionaddress', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organization',
            trigger=pgtrigger.compiler.Trigger(name='search_words_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n        INSERT INTO addressbook_searchword (word)\n        SELECT DISTINCT new_words.word\n        FROM (SELECT unnest(tsvector_to_array(search_vector)) AS word FROM new_rows) AS new_words\n        WHERE new_words.word ~ '^[[:alpha:]]{3,64}$'\n        ORDER BY 1\n        ON CONFLICT DO NOTHING;\n        RETURN NULL;\n    ", hash='ce22eddccad3129eacc58a6ba2acf734875548b7', level='STATEMENT', operation='INSERT', pgid='pgtrigger_search_words_insert_d36c8', referencing='REFERENCING NEW TABLE AS new_rows ', table='addressbook_organization', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organization',
            trigger=pgtrigger.compiler.Trigger(name='search_words_update', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n        INSERT INTO addressbook_searchword (word)\n        SELECT DISTINCT new_words.word\n        FROM (SELECT unnest(tsvector_to_array(search_vector)) AS word FROM (SELECT n.search_vector FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.search_vector IS DISTINCT FROM o.search_vector) AS changed) AS new_words\n        WHERE new_words.word ~ '^[[:alpha:]]{3,64}$'\n        ORDER BY 1\n        ON CONFLICT DO NOTHING;\n        RETURN NULL;\n    ", hash='af65990a37a3506c1564f8b857ac115fb3d0e5fb', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_search_words_update_b9f92', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='addressbook_organization', when='AFTER')),
        ),
        migrations.RunSQL(
            sql="""
                INSERT INTO addressbook_searchword (word)
                SELECT word FROM (
                    SELECT unnest(tsvector_to_array(search_vector)) FROM addressbook_organization
                    UNION
                    SELECT unnest(tsvector_to_array(search_vector)) FROM addressbook_functionaddress
                ) AS words (word)
                WHERE word ~ '^[[:alpha:]]{3,64}$'
                ORDER BY word
                ON CONFLICT DO NOTHING;
            """,
            reverse_sql="DELETE FROM addressbook_searchword;",
        ),
        migrations.AddIndex(
            model_name='searchword',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(models.F('word'), name='gin_trgm_ops'), fastupdate=False, name='addressbook_word_trgm_idx'),
        ),
        migrations.RunSQL(
            sql="""
                CREATE OR REPLACE FUNCTION addressbook_search_candidates(typed text) RETURNS SETOF text
                LANGUAGE sql STABLE STRICT
                SET pg_trgm.word_similarity_threshold = 0.3
                SET enable_seqscan = off
                SET enable_indexscan = off
                SET enable_indexonlyscan = off
                AS $$
                    SELECT word FROM addressbook_searchword
                    WHERE word %> typed OR word LIKE '%' || typed || '%'
                $$;
                ANALYZE addressbook_searchword;
            """,
            reverse_sql="DROP FUNCTION IF EXISTS addressbook_search_candidates(text);",
        ),
    ]
