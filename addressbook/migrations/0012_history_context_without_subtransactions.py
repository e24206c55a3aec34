"""django-pghistory's context function without an EXCEPTION block (linear bulk writes).

Every history trigger calls ``_pgh_attach_context()``. pghistory's version reads the
context settings inside ``BEGIN … EXCEPTION WHEN OTHERS``; outside a context (bulk loads,
tasks, SQL) each call raised and rolled back a subtransaction, which makes PostgreSQL
rescan the pending foreign-key checks of the whole transaction: quadratic in the rows
written. This version reads the settings with ``missing_ok`` (NULL when never set, '' after
a transaction that set them locally) and otherwise does exactly what pghistory's does.
"""

from django.db import migrations

ATTACH_CONTEXT = """
CREATE OR REPLACE FUNCTION _pgh_attach_context() RETURNS UUID AS $$
    DECLARE
        _pgh_context_id UUID;
        _pgh_context_metadata JSONB;
    BEGIN
        _pgh_context_id := NULLIF(CURRENT_SETTING('pghistory.context_id', TRUE), '');
        _pgh_context_metadata := NULLIF(CURRENT_SETTING('pghistory.context_metadata', TRUE), '');
        IF _pgh_context_id IS NOT NULL AND _pgh_context_metadata IS NOT NULL THEN
            INSERT INTO pghistory_context (id, metadata, created_at, updated_at)
                VALUES (_pgh_context_id, _pgh_context_metadata, NOW(), NOW())
                ON CONFLICT (id) DO UPDATE
                    SET metadata = EXCLUDED.metadata,
                        updated_at = EXCLUDED.updated_at
                    WHERE pghistory_context.metadata != EXCLUDED.metadata;
            RETURN _pgh_context_id;
        ELSE
            RETURN NULL;
        END IF;
    END;
$$ LANGUAGE plpgsql;
"""


def restore_pghistory_function(apps, schema_editor) -> None:
    # pghistory's own installer (library code, not the project's): its original function.
    from pghistory.models import Context

    Context.install_pgh_attach_context_func(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("addressbook", "0011_import_job_language_and_code_separators"),
        ("pghistory", "0007_auto_20250421_0444"),
    ]

    operations = [
        migrations.RunSQL(ATTACH_CONTEXT, reverse_sql=migrations.RunSQL.noop),
        migrations.RunPython(migrations.RunPython.noop, restore_pghistory_function),
    ]
