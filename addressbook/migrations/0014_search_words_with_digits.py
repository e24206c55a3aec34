# The dictionary also holds words that begin with a letter and have digits after it ("vasa2"):
# a typed word's start now stands for the dictionary words it begins (selectors/search.py),
# which must then be all the words that begin with letters. The triggers add them from now on;
# the words already in the documents are added here, in one pass over the search vectors.

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('addressbook', '0013_search_word_dictionary'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='functionaddress',
            name='search_words_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='functionaddress',
            name='search_words_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='organization',
            name='search_words_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='organization',
            name='search_words_update',
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='functionaddress',
            trigger=pgtrigger.compiler.Trigger(name='search_words_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n        INSERT INTO addressbook_searchword (word)\n        SELECT DISTINCT new_words.word\n        FROM (SELECT unnest(tsvector_to_array(search_vector)) AS word FROM new_rows) AS new_words\n        WHERE new_words.word ~ '^[[:alpha:]][[:alnum:]]{2,63}$'\n        ORDER BY 1\n        ON CONFLICT DO NOTHING;\n        RETURN NULL;\n    ", hash='b7d1e7f86e49eaa5c62497ebf13dc4fac0d645b2', level='STATEMENT', operation='INSERT', pgid='pgtrigger_search_words_insert_d6bee', referencing='REFERENCING NEW TABLE AS new_rows ', table='addressbook_functionaddress', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='functionaddress',
            trigger=pgtrigger.compiler.Trigger(name='search_words_update', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n        INSERT INTO addressbook_searchword (word)\n        SELECT DISTINCT new_words.word\n        FROM (SELECT unnest(tsvector_to_array(search_vector)) AS word FROM (SELECT n.search_vector FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.search_vector IS DISTINCT FROM o.search_vector) AS changed) AS new_words\n        WHERE new_words.word ~ '^[[:alpha:]][[:alnum:]]{2,63}$'\n        ORDER BY 1\n        ON CONFLICT DO NOTHING;\n        RETURN NULL;\n    ", hash='2725da32f44047aa8dfc02d149c61aff51a669f2', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_search_words_update_5e5d3', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='addressbook_functionaddress', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organization',
            trigger=pgtrigger.compiler.Trigger(name='search_words_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n        INSERT INTO addressbook_searchword (word)\n        SELECT DISTINCT new_words.word\n        FROM (SELECT unnest(tsvector_to_array(search_vector)) AS word FROM new_rows) AS new_words\n        WHERE new_words.word ~ '^[[:alpha:]][[:alnum:]]{2,63}$'\n        ORDER BY 1\n        ON CONFLICT DO NOTHING;\n        RETURN NULL;\n    ", hash='538ba824ca813d1e088a23747040471c294e8289', level='STATEMENT', operation='INSERT', pgid='pgtrigger_search_words_insert_d36c8', referencing='REFERENCING NEW TABLE AS new_rows ', table='addressbook_organization', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organization',
            trigger=pgtrigger.compiler.Trigger(name='search_words_update', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n        INSERT INTO addressbook_searchword (word)\n        SELECT DISTINCT new_words.word\n        FROM (SELECT unnest(tsvector_to_array(search_vector)) AS word FROM (SELECT n.search_vector FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.search_vector IS DISTINCT FROM o.search_vector) AS changed) AS new_words\n        WHERE new_words.word ~ '^[[:alpha:]][[:alnum:]]{2,63}$'\n        ORDER BY 1\n        ON CONFLICT DO NOTHING;\n        RETURN NULL;\n    ", hash='c647100a63767d4bf4d4b3c89481f0a285caa3e0', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_search_words_update_b9f92', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='addressbook_organization', when='AFTER')),
        ),
        migrations.RunSQL(
            sql="""
                INSERT INTO addressbook_searchword (word)
                SELECT word FROM (
                    SELECT unnest(tsvector_to_array(search_vector)) FROM addressbook_organization
                    UNION
                    SELECT unnest(tsvector_to_array(search_vector)) FROM addressbook_functionaddress
                ) AS words (word)
                WHERE word ~ '^[[:alpha:]][[:alnum:]]{2,63}$' AND word ~ '[[:digit:]]'
                ORDER BY word
                ON CONFLICT DO NOTHING;
            """,
            reverse_sql="DELETE FROM addressbook_searchword WHERE word ~ '[[:digit:]]';",
        ),
    ]
