"""JSON:API resource objects rendered from database rows, as the serializers declare them.

The serializers in ``api/serializers.py`` say what a resource holds (names, formats,
relationships) and feed the OpenAPI schema; this module renders what they declare. The
framework's own path (a model instance per record, a serializer walking every field, the
JSON:API renderer walking them again) cost ~0.5 ms a record, most of a 1,000-record sync page.
Here a record is one ``values()`` row and its resource object is built directly: the
attribute formats are the serializer fields' own ``to_representation``, so the output is the
same document (``tests/api/test_documents.py`` compares the two for every resource type,
include and sparse fieldset).

A ``ResourceWriter`` is derived once per serializer class:
- attributes: fields whose source is a concrete column of the model;
- to-one relationships (``RelatedResource``): the foreign key's column, ``{"type", "id"}``;
- to-many relationships with data (``RelatedResource(many=True)``): one query per page for
  the ids, in the related model's default order, with ``meta.count``;
- collection links (``CollectionLink``): ``links.related``, one ``reverse()`` per request.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, partial

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Func, Model, QuerySet, TextField, UUIDField
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from rest_framework import ISO_8601
from rest_framework.fields import CharField, DateField, DateTimeField, ListField
from rest_framework.relations import ManyRelatedField
from rest_framework.settings import api_settings
from rest_framework_json_api.utils import format_field_name, undo_format_field_name

from addressbook.api import serializers

#: Up to this many rows, to-many ids are read with the rows (see ``ResourceWriter.rows``).
FEW_ROWS = 20

#: Stands in for a record's id in a link built once per request, then replaced per record.
_ID_SLOT = uuid.UUID(int=0)


@dataclass(frozen=True)
class Attribute:
    name: str  # as published (camelCase)
    column: str
    to_representation: Callable  # the serializer field's own formatter
    #: An ISO 8601 time stamp in the current time zone: formatted here, as the field would,
    #: with the zone looked up once per page (DRF looks it up for every value).
    time_stamp: bool = False

    @property
    def key(self) -> str:
        """The row's key for this attribute: time stamps are read as text (see ``UtcText``)."""
        return f"{self.column}_utc" if self.time_stamp else self.column


class UtcText(Func):
    """A time stamp as text in UTC (``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``), whatever the session's
    date style: the driver's time stamp loader (Django's, in Python) took 5 µs a value, a
    tenth of a 1,000-record page; parsing this text takes one."""

    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
    output_field = TextField()


@dataclass(frozen=True)
class Relationship:
    name: str  # as published (camelCase)
    field_name: str  # as in include= (snake_case)
    resource_type: str
    column: str | None = None  # to-one: the foreign key's column
    many_query_name: str | None = None  # to-many: the related model's lookup back to this one
    related_model: type[Model] | None = None


@dataclass(frozen=True)
class CollectionLinkSpec:
    name: str
    view_name: str
    url_kwarg: str


@dataclass
class Rendered:
    """Resource objects, and the ids each relationship points to (for ``include``)."""

    objects: list[dict]
    related: dict[str, set] = field(default_factory=lambda: defaultdict(set))


class ResourceWriter:
    """Renders one resource type from ``values()`` rows, as its serializer declares it."""

    def __init__(self, serializer_class: type[serializers.serializers.ModelSerializer]):
        serializer = serializer_class()
        meta = serializer_class.Meta
        self.model: type[Model] = meta.model
        self.resource_type: str = meta.resource_name
        self.attributes: list[Attribute] = []
        self.relationships: list[Relationship] = []
        self.links: list[CollectionLinkSpec] = []
        included = getattr(serializer_class, "included_serializers", {})
        for name, declared in serializer.fields.items():
            published = format_field_name(name)
            child = declared.child_relation if isinstance(declared, ManyRelatedField) else declared
            if isinstance(child, serializers.CollectionLink):
                self.links.append(
                    CollectionLinkSpec(published, child.related_link_view_name, child.related_link_url_kwarg)
                )
            elif isinstance(child, serializers.RelatedResource):
                model_field = self.model._meta.get_field(declared.source)
                resource_type = _resource_type(included[name])
                if isinstance(declared, ManyRelatedField):
                    self.relationships.append(
                        Relationship(
                            published,
                            name,
                            resource_type,
                            many_query_name=model_field.related_query_name(),
                            related_model=model_field.related_model,
                        )
                    )
                else:
                    self.relationships.append(
                        Relationship(published, name, resource_type, column=model_field.attname)
                    )
            else:
                # A source that is not a column (a property) would need the model instance:
                # the serializer formats columns instead (see OrganizationNumberField).
                column = self.model._meta.get_field(declared.source).attname
                self.attributes.append(
                    Attribute(published, column, _formatter(declared), _is_time_stamp(declared))
                )
        self.columns: tuple[str, ...] = (
            "pk",
            *(a.column for a in self.attributes if not a.time_stamp),
            *(r.column for r in self.relationships if r.column),
        )
        self.time_stamps = {a.key: UtcText(a.column) for a in self.attributes if a.time_stamp}

    def rows(self, queryset: QuerySet, *, few: bool = True) -> QuerySet:
        """The queryset as the rows ``render`` needs (its filters and order kept).

        For ``few`` rows to-many ids come in the same statement, an array per row: a lookup
        costs one round trip. For many, ``render`` reads them in one query for all rows,
        which PostgreSQL answers several times faster than a subquery per row (4 ms against
        16 ms for a page of 1,000 addresses).
        """
        if not few:
            return queryset.values(*self.columns, **self.time_stamps)
        arrays = {
            _ids_alias(r): RawSQL(sql, [], output_field=ArrayField(UUIDField()))  # noqa: S611 - compiled by Django
            for r, sql in self._id_arrays.items()
        }
        return queryset.annotate(**arrays).values(*self.columns, *arrays, **self.time_stamps)

    @cached_property
    def _id_arrays(self) -> dict[Relationship, str]:
        """Each to-many relationship's ``ARRAY(SELECT …)`` of a row's related ids, as SQL.

        Compiled once per process: the subquery is the same for every row and request, and
        building and compiling it (the related model's ordering through a foreign key) took
        a fifth of a lookup's CPU. Compiled for a stand-in id, whose one parameter then
        becomes the outer row's key column.
        """
        arrays = {}
        outer_key = f'"{self.model._meta.db_table}"."{self.model._meta.pk.column}"'
        for relationship in self.relationships:
            if relationship.many_query_name:
                related = relationship.related_model
                inner = related._default_manager.filter(**{relationship.many_query_name: _ID_SLOT})
                inner = inner.order_by(*related._meta.ordering).values("pk")
                sql, params = inner.query.sql_with_params()
                if list(params) != [_ID_SLOT] or sql.count("%s") != 1:
                    raise ImproperlyConfigured(f"{relationship.name}: the id subquery takes other parameters")
                arrays[relationship] = f"ARRAY({sql.replace('%s', outer_key)})"
        return arrays

    def rows_of(self, instances: Iterable[Model]) -> list[dict]:
        """Rows from model instances already in hand."""
        rows = []
        for instance in instances:
            row = {"pk": instance.pk, **{c: getattr(instance, c) for c in self.columns[1:]}}
            for attribute in self.attributes:
                if attribute.time_stamp:
                    value = getattr(instance, attribute.column)
                    row[attribute.key] = None if value is None else _utc_text(value)
            rows.append(row)
        return rows

    def updated_at(self, row: dict) -> datetime.datetime:
        """When the row's record last changed (every resource has ``updatedAt``)."""
        return _from_utc_text(row[next(a.key for a in self.attributes if a.column == "updated_at")])

    def render(self, rows: Sequence[dict], *, request, wanted: set[str] | None = None) -> Rendered:
        """Resource objects for ``rows``; ``wanted``: the published names of fields[type]."""
        attributes = [a for a in self.attributes if wanted is None or a.name in wanted]
        relationships = [r for r in self.relationships if wanted is None or r.name in wanted]
        links = [
            (spec.name, _link_pattern(request, spec))
            for spec in self.links
            if wanted is None or spec.name in wanted
        ]
        many = {
            r.name: self._many_ids(r, rows)
            for r in relationships
            if r.many_query_name and not (rows and _ids_alias(r) in rows[0])
        }
        zone = timezone.get_current_timezone()
        # (published name, row key, formatter) per attribute, looked up once per page.
        formats = [
            (a.name, a.key, partial(_zoned_time_stamp, zone) if a.time_stamp else a.to_representation)
            for a in attributes
        ]
        rendered = Rendered([])
        for row in rows:
            record_id = str(row["pk"])
            resource: dict = {"type": self.resource_type, "id": record_id}
            values = {}
            for name, key, to_representation in formats:
                value = row[key]
                values[name] = None if value is None else to_representation(value)
            if values:
                resource["attributes"] = values
            related = {}
            for relationship in relationships:
                if relationship.column:
                    target = row[relationship.column]
                    if target is None:
                        related[relationship.name] = {"data": None}
                        continue
                    target = str(target)
                    rendered.related[relationship.field_name].add(target)
                    related[relationship.name] = {"data": {"type": relationship.resource_type, "id": target}}
                else:
                    if relationship.name in many:
                        targets = many[relationship.name].get(row["pk"], [])
                    else:
                        targets = [str(target) for target in row[_ids_alias(relationship)]]
                    rendered.related[relationship.field_name].update(targets)
                    related[relationship.name] = {
                        "meta": {"count": len(targets)},
                        "data": [{"type": relationship.resource_type, "id": t} for t in targets],
                    }
            for name, (prefix, suffix) in links:
                related[name] = {"links": {"related": f"{prefix}{record_id}{suffix}"}}
            if related:
                resource["relationships"] = related
            rendered.objects.append(resource)
        return rendered

    def _many_ids(self, relationship: Relationship, rows: Sequence[dict]) -> dict:
        """Each row's related ids, in the related model's default order (as a prefetch gives),
        in one query for all the rows (see ``rows``)."""
        by_row: dict = defaultdict(list)
        if rows:
            owners = id_array(self.model, [row["pk"] for row in rows])
            pairs = relationship.related_model._default_manager.filter(
                **{f"{relationship.many_query_name}__in": owners}
            ).values_list(relationship.many_query_name, "pk")
            for owner, target in pairs:
                by_row[owner].append(str(target))
        return by_row


def id_array(model: type[Model], ids: list) -> RawSQL:
    """Ids for ``pk__in=`` as one array parameter: for a thousand ids Django's ``IN (...)``
    prepares and sends a thousand parameters one by one, a third of such a query's time."""
    key_type = model._meta.pk.db_type(connection)  # uuid
    return RawSQL(f"SELECT unnest(%s::{key_type}[])", [ids])  # noqa: S611 - a column type


def _formatter(declared) -> Callable:
    """The field's ``to_representation``, or the same result without its per-value overhead
    for the plain fields (text, ISO dates, lists of text)."""
    if type(declared) is CharField:
        return str
    date_format = getattr(declared, "format", api_settings.DATE_FORMAT)
    if type(declared) is DateField and date_format.lower() == ISO_8601:
        return datetime.date.isoformat
    if type(declared) is ListField and type(declared.child) is CharField:
        return _texts
    return declared.to_representation


def _texts(values: list) -> list:
    return [None if value is None else str(value) for value in values]


def _is_time_stamp(declared) -> bool:
    return (
        isinstance(declared, DateTimeField)
        and not hasattr(declared, "timezone")
        and getattr(declared, "format", api_settings.DATETIME_FORMAT).lower() == ISO_8601
    )


def _utc_text(value: datetime.datetime) -> str:
    """A time stamp as ``UtcText`` reads it."""
    return value.astimezone(datetime.UTC).isoformat()


def _zoned_time_stamp(zone, text: str) -> str:
    return _iso_8601(_from_utc_text(text).astimezone(zone))


def _from_utc_text(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


def _iso_8601(value: datetime.datetime) -> str:
    text = value.isoformat()
    return f"{text[:-6]}Z" if text.endswith("+00:00") else text  # as DRF writes UTC


def _ids_alias(relationship: Relationship) -> str:
    return f"{relationship.field_name}_ids"


def _resource_type(serializer_class) -> str:
    if isinstance(serializer_class, str):  # "module.Serializer", as included_serializers allow
        serializer_class = import_string(serializer_class)
    return serializer_class.Meta.resource_name


def _link_pattern(request, spec: CollectionLinkSpec) -> tuple[str, str]:
    """The absolute link with the id's place split out: built once, filled in per record."""
    url = request.build_absolute_uri(reverse(spec.view_name, kwargs={spec.url_kwarg: _ID_SLOT}))
    prefix, _, suffix = url.partition(str(_ID_SLOT))
    return prefix, suffix


@cache
def writer_for(resource_type: str) -> ResourceWriter:
    return ResourceWriter(SERIALIZERS_BY_TYPE[resource_type])


SERIALIZERS_BY_TYPE = {
    serializer.Meta.resource_name: serializer
    for serializer in (
        serializers.OrganizationSerializer,
        serializers.FunctionAddressSerializer,
        serializers.CodeSystemSerializer,
        serializers.CodeSerializer,
    )
}


def sparse_fieldsets(query_params) -> dict[str, set[str]]:
    """``fields[type]=a,b`` per resource type, as published names (camelCase).

    ``fields[type]=`` (empty) is the empty set: resources of that type with only their type
    and id. ``StrictQueryParameters`` has checked that every name is one of the type's.
    """
    return {
        parameter[7:-1]: {format_field_name(undo_format_field_name(n)) for n in value.split(",") if n}
        for parameter, value in query_params.items()
        if parameter.startswith("fields[") and parameter.endswith("]")
    }


def objects_of(request, instances: Sequence[Model]) -> list[dict]:
    """Resource objects of model instances already in hand (of the types above)."""
    objects = []
    for instance in instances:
        writer = next(w for w in map(writer_for, SERIALIZERS_BY_TYPE) if isinstance(instance, w.model))
        objects += writer.render(writer.rows_of([instance]), request=request).objects
    return objects


def objects_by_id(
    request, resource_type: str, ids: Iterable, *, wanted: set[str] | None = None
) -> list[dict]:
    """Resource objects of the records with these ids that exist, in id order."""
    writer = writer_for(resource_type)
    ids = list(ids)
    queryset = writer.model._default_manager.filter(pk__in=id_array(writer.model, ids)).order_by()
    rows = sorted(writer.rows(queryset, few=len(ids) <= FEW_ROWS), key=lambda row: str(row["pk"]))
    return writer.render(rows, request=request, wanted=wanted).objects


def included_objects(
    request,
    primary: Rendered,
    writer: ResourceWriter,
    includes: Iterable[str],
    fieldsets: dict[str, set[str]],
) -> list[dict]:
    """The compound document's ``included``: each related record once, by type then id,
    leaving out those already in the primary data (as JSON:API asks)."""
    wanted_ids: dict[str, set] = defaultdict(set)
    for include in includes:
        relationship = next(r for r in writer.relationships if r.field_name == include)
        wanted_ids[relationship.resource_type] |= primary.related.get(include, set())
    for resource in primary.objects:
        wanted_ids.get(resource["type"], set()).discard(resource["id"])
    included = []
    for resource_type in sorted(wanted_ids):
        if wanted_ids[resource_type]:
            included += objects_by_id(
                request, resource_type, wanted_ids[resource_type], wanted=fieldsets.get(resource_type)
            )
    return included
