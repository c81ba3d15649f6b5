"""Customer list rows written by readers compiled once per serializer: the list API's hot path
(docs/benchmarks.md, ADR 0013). Only CustomerSerializer uses it; the output is DRF's own
(tests/test_api_serialization.py compares them field by field)."""

import dataclasses
import datetime
import functools
import inspect
import json
import types
from collections.abc import Hashable

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import connections, models
from django.db.models import QuerySet
from django.db.models.base import ModelState
from django.db.models.query import BaseIterable
from django.db.models.signals import post_init, pre_init
from django.utils import timezone
from django.utils.encoding import force_str
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField, empty, is_simple_callable
from rest_framework.relations import ManyRelatedField, PKOnlyObject, RelatedField
from rest_framework.settings import api_settings

from crm.customers.models import Customer, Tag
from crm.customers.models.customer import WithPicklists, with_picklists
from crm.identity.models import User

_SKIP = object()
_PREFETCHED = "_rows_%s"  # where `PageRows` puts a relation's rows on each instance
_CALLABLES = (types.MethodType, types.FunctionType, functools.partial)  # what DRF would call


def _standard_reader(field):
    """DRF's own way (Serializer.to_representation) for one field."""

    def read(instance):
        try:
            attribute = field.get_attribute(instance)
        except SkipField:
            return _SKIP
        check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        return None if check is None else field.to_representation(attribute)

    return read


def _attribute_reader(field, standard):
    """A field read along its source (`region.entry`, `get_status_display`) without DRF's
    per-value introspection; anything unusual on the way (a missing relation) goes the standard
    way, so the result is always DRF's."""
    attrs, represent = field.source_attrs, field.to_representation
    # Whether DRF calls what a step finds (is_simple_callable inspects its signature), by step and class
    # of the object read: a class's method (get_status_display) is the same for all its instances.
    calls: dict[tuple, bool] = {}

    def read(instance):
        value = instance
        try:
            for step, attr in enumerate(attrs):
                if value is None:
                    return standard(instance)
                holder, value = value, getattr(value, attr)
                if isinstance(value, _CALLABLES):
                    key = (step, type(holder))
                    call = calls.get(key)
                    if call is None:
                        call = calls[key] = is_simple_callable(value)
                    if call:
                        value = value()
        except ObjectDoesNotExist:
            return None
        return None if value is None else represent(value)

    return read


class PageRows(WithPicklists):
    """A page of customers with each one's tags, read after the page in one plain statement (ids and
    names, in the tags' own order): Django's prefetch compiles a queryset for the relation and
    builds a manager per row (a tenth of a list request's CPU, docs/benchmarks.md issue 19). The
    readers find them where `read_many` looks first."""

    def __iter__(self):
        customers = list(super().__iter__())
        tags = _tags_of([customer.pk for customer in customers], self.queryset.db)
        for customer in customers:
            customer.__dict__[_PREFETCHED % "tags"] = tags.get(customer.pk, [])
            yield customer


def _tags_of(customer_ids: list, using: str) -> dict[int, list[Tag]]:
    if not customer_ids:
        return {}
    quote = connections[using].ops.quote_name
    link, tag = Customer.tags.through._meta.db_table, Tag._meta
    order = _tag_order(quote, tag.ordering)
    columns = f"link.{quote('customer_id')}, tag.{quote('id')}, tag.{quote('name')}"
    joined = f"{quote(link)} link JOIN {quote(tag.db_table)} tag ON tag.{quote('id')} = link.{quote('tag_id')}"
    listed = ", ".join(["%s"] * len(customer_ids))
    sql = f"SELECT {columns} FROM {joined} WHERE link.{quote('customer_id')} IN ({listed}) ORDER BY {order}"  # noqa: S608
    by_customer: dict[int, list[Tag]] = {}
    with connections[using].cursor() as cursor:
        cursor.execute(sql, customer_ids)
        for customer_id, *values in cursor.fetchall():
            by_customer.setdefault(customer_id, []).append(Tag.from_db(using, ["id", "name"], values))
    return by_customer


class CustomerRows(BaseIterable):
    """The customer list API's page (`customer_rows`): its ids first, then their rows by one plain
    statement written once per process, each row with its tags and its manager's display name read
    beside it (`Customer.manager_name`) and its picklists attached from memory. Django compiled the
    page's fifty columns for every request, and the tags and the names took a statement each after
    it: a fifth of a salesperson's list request (docs/benchmarks.md, issue 19). A UNION's page comes
    by its ids (`rows_by_id`, crm.core.pagination), read with its count. The search tokens, which
    no list shows, are left unread (deferred)."""

    def __iter__(self):
        queryset = self.queryset
        return iter(self.rows_by_id(queryset, list(queryset.values_list("pk", flat=True))))

    @classmethod
    def rows_by_id(cls, queryset: QuerySet, ids: list) -> list:
        """The rows of these ids, in their order."""
        return list(with_picklists(_customers(ids, queryset.db)))


_UNREAD = frozenset({"search_tokens"})


def _customers(ids: list, using: str) -> list:
    """The customers of these ids in their order, by the page's statement (`_page_statement`)."""
    if not ids:
        return []
    connection = connections[using]
    page = _page_statement(using, connection.vendor)
    listed = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"{page.sql} WHERE c.{connection.ops.quote_name('id')} IN ({listed})", ids)
        found = cursor.fetchall()
    width, by_id = len(page.attnames), {}
    for row in found:
        values = list(row[:width])
        for index, converters in page.converters:
            for convert, expression in converters:
                values[index] = convert(values[index], expression, connection)
        if page.signalled:
            customer = Customer.from_db(using, page.attnames, values)
        else:
            customer = _loaded(page.attnames, values, using)
        customer.__dict__["manager_display"] = row[width]
        tags = json.loads(row[width + 1]) if isinstance(row[width + 1], str) else row[width + 1] or []
        customer.__dict__[_PREFETCHED % "tags"] = [Tag.from_db(using, ["id", "name"], tag) for tag in tags]
        by_id[customer.pk] = customer
    return [by_id[pk] for pk in ids if pk in by_id]


def _loaded(attnames: list, values: list, using: str) -> Customer:
    """What `Customer.from_db` makes of the row, without `Model.__init__` weighing every value
    against its field's descriptor (a fifth of the page's reading). Only while the customer has no
    pre_init or post_init receivers, which __init__ would send (`_PageStatement.signalled`). A
    column not read is missing from the instance's values, as Django's deferred fields are."""
    customer = Customer.__new__(Customer)
    customer.__dict__.update(zip(attnames, values, strict=True))
    state = customer._state = ModelState()
    state.db, state.adding = using, False
    return customer


@dataclasses.dataclass(frozen=True)
class _PageStatement:
    sql: str  # up to its WHERE
    attnames: list  # of the customer's columns read, in Customer._meta.concrete_fields' order
    converters: list  # (index, [(converter, expression)]) as Django's compiler applies them
    signalled: bool  # whether making a customer sends signals to receivers (then by Model.__init__)


@functools.cache
def _page_statement(using: str, vendor: str) -> _PageStatement:
    """The customers' columns, the manager's display name (`User.__str__`: the name, else the
    username) and the tags as JSON pairs of id and name in the tags' own order."""
    connection, meta = connections[using], Customer._meta
    quote = connection.ops.quote_name
    fields = [field for field in meta.concrete_fields if field.attname not in _UNREAD]
    converters = []
    for index, field in enumerate(fields):
        expression = field.get_col(meta.db_table)
        found = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        if found:
            converters.append((index, [(convert, expression) for convert in found]))
    user, link, tag = User._meta, Customer.tags.through._meta.db_table, Tag._meta
    manager_name = (
        f"(SELECT COALESCE(NULLIF(u.{quote('name')}, ''), u.{quote('username')}) FROM {quote(user.db_table)} u"  # noqa: S608
        f" WHERE u.{quote('id')} = c.{quote(meta.get_field('manager').column)})"
    )
    order = _tag_order(quote, [*tag.ordering, "id"])  # the id breaks ties: the same order every time
    tagged = (
        f"FROM {quote(link)} link JOIN {quote(tag.db_table)} tag ON tag.{quote('id')} = link.{quote('tag_id')}"
        f" WHERE link.{quote('customer_id')} = c.{quote('id')}"
    )
    if vendor == "postgresql":
        tags = f"(SELECT json_agg(json_build_array(tag.{quote('id')}, tag.{quote('name')}) ORDER BY {order}) {tagged})"
    else:  # SQLite (ADR 0003): no ORDER BY inside an aggregate before 3.44; a sorted subquery keeps its order
        pairs = f"SELECT tag.{quote('id')} AS tag_id, tag.{quote('name')} AS tag_name {tagged} ORDER BY {order}"
        tags = f"(SELECT json_group_array(json_array(tag_id, tag_name)) FROM ({pairs}))"  # noqa: S608
    columns = ", ".join(f"c.{quote(field.column)}" for field in fields)
    sql = f"SELECT {columns}, {manager_name}, {tags} FROM {quote(meta.db_table)} c"  # noqa: S608 (quoted names)
    signalled = pre_init.has_listeners(Customer) or post_init.has_listeners(Customer)
    return _PageStatement(sql, [field.attname for field in fields], converters, signalled)


def _tag_order(quote, ordering) -> str:
    """The tags' ORDER BY (Tag.Meta.ordering) on the table named `tag`."""
    tag = Tag._meta
    return ", ".join(
        f"tag.{quote(tag.get_field(term.lstrip('-')).column)}{' DESC' if term.startswith('-') else ''}"
        for term in ordering
    )


def page_rows(queryset: QuerySet, rows: type[BaseIterable] = PageRows) -> QuerySet:
    """A list's customers with their tags read with each page (`PageRows`)."""
    queryset = queryset._chain()
    queryset._iterable_class = rows
    return queryset


def customer_rows(queryset: QuerySet) -> QuerySet:
    """The customer list API's rows (`CustomerRows`): its own statement reads them, whatever the
    queryset would join."""
    return page_rows(queryset, CustomerRows)


def _reader(field):
    standard = _standard_reader(field)
    if field.source == "*" or isinstance(field, serializers.SerializerMethodField | serializers.BaseSerializer):
        return standard
    if isinstance(field, ManyRelatedField) and len(field.source_attrs) == 1:
        name, represent = field.source_attrs[0], field.to_representation
        prefetched_as = name if _forward_many_to_many(field, name) else None
        listed_as = _PREFETCHED % name

        def read_many(instance):
            if instance.pk is None:
                return []
            listed = instance.__dict__.get(listed_as)
            if listed is not None:
                return represent(listed)
            # What `instance.<name>.all()` answers when prefetched (Django's manager for a forward
            # many-to-many keeps it under the field's name), without building a manager per row.
            cache = getattr(instance, "_prefetched_objects_cache", None)
            if prefetched_as is not None and cache is not None and prefetched_as in cache:
                return represent(cache[prefetched_as])
            related = getattr(instance, name)
            return represent(related.all() if hasattr(related, "all") else related)

        return read_many
    if isinstance(field, RelatedField):
        column = _foreign_key_reader(field, standard)
        if column is not None:
            return column
        if not (field.use_pk_only_optimization() and len(field.source_attrs) == 1):
            return standard
        name, represent = field.source_attrs[0], field.to_representation

        def read_pk(instance):
            value = instance.serializable_value(name)
            if inspect.ismethod(value):
                return standard(instance)
            value = getattr(value, "pk", value)
            return None if value is None else represent(PKOnlyObject(pk=value))

        return read_pk
    return (
        _display_reader(field)
        or _column_reader(field, standard)
        or _related_column_reader(field, standard)
        or _attribute_reader(field, standard)
    )


def _model_of(field):
    """The model of the field's serializer, if it has one."""
    return getattr(getattr(field.parent, "Meta", None), "model", None)


# What DRF's to_representation gives back unchanged, by field class: str() of a str, int() of an int.
_UNCHANGED = {serializers.CharField: str, serializers.EmailField: str, serializers.IntegerField: int}


def _model_field(field):
    """The serializer's model field that the field's one-step source names, if any."""
    model = _model_of(field)
    if model is None or len(field.source_attrs) != 1:
        return None
    try:
        return model._meta.get_field(field.source_attrs[0])
    except FieldDoesNotExist:
        return None


def _column_reader(field, standard):
    """A model field's own column (`number`, `created_at`), read from the row as loaded: no descriptor
    and no walk along the source. A value DRF would write unchanged is written as it is. A column
    not loaded (deferred) is read the standard way."""
    model_field = _model_field(field)
    if model_field is None or not model_field.concrete or model_field.is_relation:
        return None
    attname, write = model_field.attname, _writer(field)

    def read_column(instance):
        try:
            return write(instance.__dict__[attname])
        except KeyError:
            return standard(instance)

    return read_column


def _writer(field):
    """How a field writes a value read from a row: None as None, what DRF would write unchanged as
    it is, anything else as DRF writes it."""
    represent, unchanged = _iso_datetime(field) or field.to_representation, _UNCHANGED.get(type(field))

    def write(value):
        if value is None:
            return None
        return value if type(value) is unchanged else represent(value)

    return write


def _related_column_reader(field, standard):
    """A column of a related record the row holds already (`region.entry`, `pool.name`: the picklists and
    pools are attached from memory): read from the row's cache of related records and the record's
    loaded values; a record not attached, or a value not loaded, is read the standard way."""
    model = _model_of(field)
    if model is None or len(field.source_attrs) != 2:
        return None
    name, attr = field.source_attrs
    try:
        relation = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not relation.many_to_one or not relation.concrete:
        return None
    try:
        column = relation.related_model._meta.get_field(attr)
    except FieldDoesNotExist:
        return None
    if not column.concrete or column.is_relation:
        return None
    attname, write = column.attname, _writer(field)
    # No related record: DRF meets None on the way and writes None for a field that allows it.
    none_when_unset = field.allow_null and field.default is empty

    def read_related(instance):
        related = instance._state.fields_cache.get(name)
        if related is None:
            if none_when_unset and instance.__dict__.get(relation.attname, 0) is None:
                return None
            return standard(instance)
        try:
            return write(related.__dict__[attname])
        except KeyError:
            return standard(instance)

    return read_related


def _iso_datetime(field):
    """DRF's DateTimeField.to_representation in its default form (ISO 8601 in the current time zone,
    "Z" for UTC) for an aware datetime, without looking up the settings for every value; anything
    else goes to DRF's own."""
    if type(field) is not serializers.DateTimeField or hasattr(field, "timezone"):
        return None
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if not isinstance(output_format, str) or output_format.lower() != ISO_8601:
        return None
    represent = field.to_representation

    def write(value):
        if type(value) is not datetime.datetime or value.utcoffset() is None:
            return represent(value)
        text = value.astimezone(timezone.get_current_timezone()).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return write


def _foreign_key_reader(field, standard):
    """A related record's id written from the row's own column (`level` from `level_id`), as DRF's
    PrimaryKeyRelatedField writes it (`serializable_value`, then the id)."""
    model_field = _model_field(field)
    plain = isinstance(field, serializers.PrimaryKeyRelatedField) and field.pk_field is None
    if not plain or type(field).to_representation is not serializers.PrimaryKeyRelatedField.to_representation:
        return None
    if model_field is None or not model_field.concrete or not model_field.many_to_one:
        return None
    attname = model_field.attname

    def read_id(instance):
        try:
            return instance.__dict__[attname]
        except KeyError:
            return standard(instance)

    return read_id


def _display_reader(field):
    """`get_<field>_display` of the serializer's model read from the field's choices mapped once:
    Django's method rebuilds a hashable copy of the choices for every value (a sixth of writing a
    page of customers). The label is still translated per call, in the request's language."""
    model = _model_of(field)
    attrs = field.source_attrs
    if model is None or len(attrs) != 1 or not (attrs[0].startswith("get_") and attrs[0].endswith("_display")):
        return None
    try:
        model_field = model._meta.get_field(attrs[0][4 : -len("_display")])
    except FieldDoesNotExist:
        return None
    if not model_field.choices or callable(model_field.choices):
        return None
    labels, attname, represent = dict(model_field.flatchoices), model_field.attname, field.to_representation

    def read_display(instance):
        value = getattr(instance, attname)
        label = labels.get(value, value) if isinstance(value, Hashable) else value
        return None if label is None else represent(force_str(label, strings_only=True))

    return read_display


def _forward_many_to_many(field, name: str) -> bool:
    """Whether `name` is a many-to-many field declared on the serializer's model (not a reverse one,
    whose prefetched rows Django keeps under another name)."""
    model = _model_of(field)
    try:
        model_field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return False
    return isinstance(model_field, models.ManyToManyField)


def _context_free(field) -> bool:
    """Whether a field writes a value without its serializer's context or parent (the request, a
    method of the serializer): then its reader may serve any request."""
    if isinstance(field, ManyRelatedField):
        field = field.child_relation
    return not isinstance(
        field,
        serializers.SerializerMethodField
        | serializers.BaseSerializer
        | serializers.HyperlinkedRelatedField
        | serializers.FileField,
    )


# Readers by (serializer class, hidden fields): built once per process instead of once per request
# (DRF building a serializer's 55 fields was 15 % of a list request, docs/benchmarks.md issue 19).
_SHARED_READERS: dict[tuple, list] = {}


class CompiledRowsMixin:
    """For serializers of long lists: each field's reader is worked out once per serializer (so
    once per page with many=True) instead of DRF introspecting every value of every row; the
    output is the same (crm/customers/tests/test_api_serialization.py checks it field by field).

    When every readable field is context-free, the readers are shared by every serializer of the
    class whose caller has the same hidden fields (`fields_key`, FieldRulesMixin): compiled from a
    serializer without context, so no request is held. Masking happens after, per caller."""

    def to_representation(self, instance):
        readers = self.__dict__.get("_compiled_readers")
        if readers is None:
            readers = self._compiled_readers = self._readers()
        row = {}
        for name, read in readers:
            value = read(instance)
            if value is not _SKIP:
                row[name] = value
        return row

    def _readers(self) -> list:
        fields_key = getattr(self, "fields_key", None)
        if fields_key is None:
            return _compile(self._readable_fields)
        key = (type(self), fields_key())
        readers = _SHARED_READERS.get(key)
        if readers is None:
            hidden = key[1]
            fields = [field for field in type(self)(context={})._readable_fields if field.field_name not in hidden]
            readers = _SHARED_READERS[key] = _compile(fields) if all(_context_free(f) for f in fields) else []
        if not readers:  # a field needs the context (a method field): this serializer's own readers
            return _compile(self._readable_fields)
        return readers


def _compile(fields) -> list:
    return [(field.field_name, _reader(field)) for field in fields]
