# Search needs pg_trgm (trigram indexes, word_similarity) and unaccent (Swedish text without
# accents). Both are trusted extensions: the database owner may create them.
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [TrigramExtension(), UnaccentExtension()]
