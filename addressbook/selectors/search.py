"""Search: every word of a query, accent- and typo-tolerant, best matches first.

A query is cut into words the way the search documents are (lower case, no accents, runs of
letters and digits). Each typed word stands for a set of document words:

1. the word itself (rank 0) and every word it begins (rank 1): "vardcent" finds "vardcentralen";
2. dictionary words it is inside of (rank 2): "vardcentral" finds "akutvardcentral";
3. words that begin with what it was probably meant to be (rank 3): a word's start within the
   typo budget of the typed word's length (``typo_budget``), taken as a prefix, so "vardcentarl"
   (two letters swapped) finds "vardcentralen" and "registartor" finds "registratorn".

The dictionary (``SearchWord``, see models/search.py) is asked once per search, in one query:
one trigram index lookup per typed word finds the words it is inside of and the typo
candidates, whose edit distance ``levenshtein_less_equal`` (fuzzystrmatch) then checks. The records are then
found by one GIN index scan of their words for ALL typed words at once (a tsquery
``(w1:* | inner | corr:*) & (w2:* | …)``), so no word is checked row by row on the text.

The GIN scan's cost is that of gathering every record it matches, whatever the LIMIT, and the
expansions of common words match a good part of the directory: the window of records to rank
(``SEARCH_WINDOW``) is therefore filled by tiers, each scanned only if the ones before it found
too few (``_window``): all words as typed, then as typed or as a word's start, then expanded.
The window is read once; the page and its count look its records up by key.

Ranking is the sum of each word's rank, then the name, then the id. It reads only the window's
word vectors (a binary search per word), not their text; a ``sort`` in the request
replaces it, and so does a count (which clears the ordering).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQueryField
from django.db import connection, connections
from django.db.models import BooleanField, Case, F, Func, IntegerField, QuerySet, UUIDField, Value, When
from django.db.models.functions import Cast

from addressbook.models.search import CANDIDATES_FUNCTION, WORD_SEPARATORS, WORD_TABLE

# A search is a handful of words; more is a paste accident or an attack on the database.
MAX_SEARCH_WORDS = 8
MAX_SEARCH_LENGTH = 200
# Shorter words match nearly everything and cost a scan of the whole table: they are skipped.
MIN_SEARCH_WORD = 3
# Inner-word matches need this many letters ("och" is inside thousands of words).
MIN_INNER_WORD = 4
# Most dictionary words a typed word may stand for, per kind: bounds the query a common
# fragment builds ("vard" is inside hundreds of compounds); the shortest are kept.
MAX_EXPANSIONS = 100
# A word's start (a typed word, a typo's correction) stands for the dictionary words it begins
# when there are this few: exact words, which the GIN scan reads three times faster than a
# prefix (it gathers every word a prefix begins into a bitmap first) and skips through when
# another word is rarer. A start of more words stays a prefix ("barn" begins hundreds).
MAX_STARTS = 8

RANK_WORD, RANK_PREFIX, RANK_INNER, RANK_TYPO = 0, 1, 2, 3
# What a typed word stands for in each tier of the window (see ``_window``): itself; itself if
# it is a word, else the words it begins ("ungdomspsyk"); itself and the words it begins; and
# with the inner-word and typo expansions.
TIER_TYPED, TIER_WORDS, TIER_STARTS, TIER_EXPANDED = 0, 1, 2, 3


def typo_budget(length: int) -> int:
    """Typos forgiven in a typed word: none up to 3 letters, one up to 7, then two.

    A swap of two neighbouring letters counts as one (Levenshtein counts it as two; the query
    below lets a same-length, same-letters pair at distance two through for short words).
    """
    if length < MIN_INNER_WORD:
        return 0
    return 1 if length < 8 else 2


# One round trip: fold and cut the text, then for each of the first words its inner-word and
# typo expansions from the dictionary. The candidates come from one trigram index lookup per
# typed word (``CANDIDATES_FUNCTION``, see models/search.py); the exact test for a typo is the
# edit distance between the typed word and the candidate's start of the same length, give or
# take the budget (so a typo is forgiven in any word's beginning: "registartor" ->
# "registrator", also the start of "registratorn").
_EXPAND_SQL = f"""
WITH typed AS (
    SELECT word, min(position) AS position
    FROM unnest(regexp_split_to_array(lower(unaccent(%(text)s)), %(separators)s))
         WITH ORDINALITY AS cut(word, position)
    WHERE length(word) >= %(min_word)s
    GROUP BY word
    ORDER BY min(position)
    LIMIT %(max_words)s
), candidates AS (
    SELECT typed.position, typed.word AS typed, length(typed.word) AS n,
           CASE WHEN length(typed.word) >= 8 THEN 2 ELSE 1 END AS budget, known.word
    FROM typed CROSS JOIN LATERAL {CANDIDATES_FUNCTION}(typed.word) AS known(word)
    WHERE length(typed.word) >= %(min_inner)s AND typed.word ~ '^[[:alpha:]]+$'
      AND left(known.word, length(typed.word)) <> typed.word
), expansions AS (
    SELECT position, typed, {RANK_INNER} AS rank, word AS expansion
    FROM candidates WHERE strpos(word, typed) > 0
    UNION
    SELECT position, typed, {RANK_TYPO}, left(word, best.m)
    FROM candidates CROSS JOIN LATERAL (
        SELECT m, levenshtein_less_equal(typed, left(word, m), budget + 1) AS distance
        FROM generate_series(greatest(%(min_inner)s, n - budget), least(length(word), n + budget)) AS m
        ORDER BY 2, abs(m - n)
        LIMIT 1
    ) AS best
    WHERE strpos(word, typed) = 0
      AND (best.distance <= budget
           -- two neighbouring letters swapped in a short word: one typo, not two
           OR (best.distance = 2 AND budget = 1 AND best.m = n
               AND ARRAY(SELECT unnest(string_to_array(typed, NULL)) ORDER BY 1)
                   = ARRAY(SELECT unnest(string_to_array(left(word, best.m), NULL)) ORDER BY 1)))
)
SELECT found.*,
       -- the words a start begins (NULL: none asked, a number's digits): a byte-order range of
       -- the dictionary's pattern index (its key), at most one more than MAX_STARTS
       CASE WHEN found.rank IN ({RANK_WORD}, {RANK_TYPO}) AND found.match ~ '^[[:alpha:]]'
                 AND length(found.match) >= %(min_inner)s THEN
           ARRAY(SELECT known.word FROM {WORD_TABLE} AS known
                 WHERE known.word ~>=~ found.match AND known.word ~<~ (found.match || chr(1114111))
                 ORDER BY known.word USING ~<~  -- the start itself first, if it is a word
                 LIMIT %(max_starts)s + 1)
       END
FROM (
    SELECT position, word, {RANK_WORD}, word FROM typed
    UNION ALL
    SELECT position, typed, rank, expansion FROM (
        SELECT *, row_number() OVER (PARTITION BY position, rank ORDER BY length(expansion), expansion) AS nth
        FROM expansions
    ) AS numbered
    WHERE nth <= %(max_expansions)s
) AS found (position, typed, rank, match)
"""  # noqa: S608 - the names are constants


def _lexeme(word: str, *, prefix: bool = False) -> str:
    """A tsquery operand for a word: quoted (the query's own text never becomes an operator)."""
    quoted = "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + ":*" if prefix else quoted


def _beginning(start: str, words: list[str] | None) -> list[str]:
    """Operands for the words that begin with ``start``: those words if few, else a prefix.

    No dictionary word begins with it: still a prefix, as words longer than the dictionary
    keeps (``DICTIONARY_WORD``, 64 letters) may; few records have one, so the scan is cheap.
    """
    if not words or len(words) > MAX_STARTS:
        return [_lexeme(start, prefix=True)]
    return [_lexeme(word) for word in words]


@dataclass
class SearchTerm:
    """A typed word and the document words it stands for.

    ``starts`` are the dictionary words the typed word begins, and ``corrected`` maps each typo
    correction (a word's start) to those it begins (None: not looked up; too many: a prefix).
    """

    word: str
    inner: list[str] = field(default_factory=list)
    corrected: dict[str, list[str] | None] = field(default_factory=dict)
    starts: list[str] | None = None

    def operands(self, tier: int = TIER_EXPANDED) -> list[str]:
        """The operands of the tier (``TIER_*``): the typed word, the words it stands for."""
        # A three-letter word ("och", "bup", "lss") is matched as a word: as a prefix it would
        # make the index gather every record with any word that begins so.
        is_word = bool(self.starts) and self.starts[0] == self.word
        if len(self.word) < MIN_INNER_WORD or tier == TIER_TYPED or (tier == TIER_WORDS and is_word):
            return [_lexeme(self.word)]
        typed = _beginning(self.word, self.starts)
        if tier < TIER_EXPANDED:
            return typed
        # Corrections that the typed word begins, or that begin another correction, add nothing.
        corrected = sorted(self.corrected)
        kept = [p for i, p in enumerate(corrected) if not any(p.startswith(q) for q in corrected[:i])]
        operands = [
            *typed,
            *(_lexeme(word) for word in self.inner),
            *(
                operand
                for p in kept
                if not p.startswith(self.word)
                for operand in _beginning(p, self.corrected[p])
            ),
        ]
        return list(dict.fromkeys(operands))

    def tsquery(self, tier: int = TIER_EXPANDED) -> str:
        """The word's operands of the tier, OR'd."""
        return "(" + " | ".join(self.operands(tier)) + ")"


def search_terms(text: str) -> list[SearchTerm]:
    """The words of a search, normalised like the documents, each with its expansions."""
    with connection.cursor() as cursor:
        cursor.execute(
            _EXPAND_SQL,
            {
                "text": text[:MAX_SEARCH_LENGTH],
                "separators": WORD_SEPARATORS,
                "min_word": MIN_SEARCH_WORD,
                "min_inner": MIN_INNER_WORD,
                "max_words": MAX_SEARCH_WORDS,
                "max_expansions": MAX_EXPANSIONS,
                "max_starts": MAX_STARTS,
            },
        )
        rows = cursor.fetchall()
    terms: dict[int, SearchTerm] = {}
    for position, word, rank, match, starts in sorted(rows, key=lambda row: row[:4]):
        term = terms.setdefault(position, SearchTerm(word))
        if rank == RANK_WORD:
            term.starts = starts
        elif rank == RANK_INNER:
            term.inner.append(match)
        elif rank == RANK_TYPO:
            term.corrected[match] = starts
    return list(terms.values())


class _Matches(Func):
    """``search_vector @@ 'query'::tsquery``: true where the record's words satisfy the query."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class _Among(Func):
    """``id = ANY(ids)``: records by key, the keys as one array parameter (not one per key)."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        column, column_params = compiler.compile(self.source_expressions[0])
        keys, keys_params = compiler.compile(self.source_expressions[1])
        return f"({column} = ANY({keys}))", (*column_params, *keys_params)


def _matches(tsquery: str) -> _Matches:
    return _Matches(F("search_vector"), Cast(Value(tsquery), SearchQueryField()))


def _rank(term: SearchTerm) -> Case:
    """How well a record matches one typed word: as a word, a word's start, inside one, a typo."""
    whens = [When(_matches(_lexeme(term.word)), then=Value(RANK_WORD))]
    if len(term.word) >= MIN_INNER_WORD:
        whens.append(When(_matches(_lexeme(term.word, prefix=True)), then=Value(RANK_PREFIX)))
    if term.inner:
        whens.append(When(_matches(" | ".join(map(_lexeme, term.inner))), then=Value(RANK_INNER)))
    return Case(*whens, default=Value(RANK_TYPO), output_field=IntegerField())


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Records whose words match every typed word, exactly or nearly; best first.

    Apply it last: the records it ranks are a window of at most ``SEARCH_WINDOW`` matches in
    ``queryset``, so that a search that matches half the directory costs no more than one that
    matches a window's worth. The window is filled best tier first (``_window``) and read
    here, once: the page and its count then look its records up by key instead of matching
    again. A search that finds more says so through the count (``countAtLeast``, see
    ``search_window``), and is narrowed by a word more.

    Ordered by an expression, not an annotation, so that ``order_by()`` (a count, or a
    ``sort`` parameter) drops the ranking with the ordering.
    """
    terms = search_terms(text)
    if not terms:  # nothing searchable (only words under three characters) finds nothing
        return queryset.none()
    window = _window(queryset, terms)
    sql, params = window.query.get_compiler(using=window.db).as_sql()
    with connections[window.db].cursor() as cursor:
        # One text, not a thousand UUIDs: it goes back as the page's and the count's parameter.
        cursor.execute(
            f"SELECT array_agg(pk)::text, count(*) FROM ({sql}) AS window_ids (pk)",  # noqa: S608
            params,
        )
        ids, matches = cursor.fetchone()
    if ids is None:
        return queryset.none()
    rank = sum((_rank(term) for term in terms[1:]), start=_rank(terms[0]))
    ids = Cast(Value(ids), ArrayField(UUIDField()))  # both directory tables have UUID keys
    found = queryset.filter(_Among(F("pk"), ids)).order_by(rank, "name", "id")
    # For paging: a count that reaches the window means "at least" (the Query's attributes
    # survive every further filter, order and slice).
    found.query.search_window = settings.SEARCH_WINDOW
    # And the window's size is the count, as long as nothing filters the records further.
    found.query.search_matches = (matches, len(found.query.where.children))
    return found


def _window(queryset: QuerySet, terms: list[SearchTerm]) -> QuerySet:
    """The ids of the first ``SEARCH_WINDOW`` matches, best tier first, in one statement.

    Tiers (``TIER_*``): every word as typed; each as typed where it is a word, else as the
    words it begins; each as typed and as a start; then with the inner-word and typo
    expansions. Each is one GIN scan, whose cost is that of gathering all its matches (a GIN
    index is read whole, whatever the LIMIT), and prefixes and the expansions of common words
    are the costliest ("norr" also stands for "nord:*", a tenth of the directory). A later
    tier is only scanned when the earlier ones fill less than the window (the LIMIT stops the
    UNION ALL before it starts), and it skips what they found. The window then holds the best
    matches, not the first in the table's order.
    """
    tiers = [" & ".join(term.tsquery(tier) for term in terms) for tier in range(TIER_EXPANDED + 1)]
    tiers = list(dict.fromkeys(tiers))  # a tier that adds no operand is not scanned again
    parts = []
    for i, tier in enumerate(tiers):
        part = queryset.filter(_matches(tier))
        if i:
            part = part.exclude(_matches(tiers[i - 1]))  # each tier holds the one before
        parts.append(part.order_by().values_list("pk", flat=True)[: settings.SEARCH_WINDOW])
    return parts[0].union(*parts[1:], all=True)[: settings.SEARCH_WINDOW]


def search_window(queryset: QuerySet) -> int | None:
    """The most records ``queryset`` can hold because it is a search's window, or None."""
    return getattr(queryset.query, "search_window", None)


def search_count(queryset: QuerySet) -> int | None:
    """How many records a search's ``queryset`` holds, known from its window without a COUNT;
    None if it is no search, or if it was filtered further since."""
    matches, conditions = getattr(queryset.query, "search_matches", (None, None))
    return matches if conditions == len(queryset.query.where.children) else None
