"""Fields the GraphQL layer adds to grapple's model types.

A model declares its own fields in `graphql_fields` (grapple's way, the default).
A field whose answer needs the GraphQL layer itself, a per-request loader or
another app's GraphQL types, cannot live there without the model importing that
code; the app's `schema.py` declares it here instead, with `extend`, and the
schema is built with it (cms.api.wagtail_hooks calls `apply` before grapple
builds the schema). Every translatable snippet type with fields of its own also
gets `resolvedLocale` and `translationStatus`, as every page type has them
through PageInterface, and every model type's `id` names the chain its item
was read through (cms.content.editions.edition_id). A model field shown without
a description of its own is described by the model's label and help text, so
that code generators put them in the frontend's types.
"""

import copy

import graphene
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import Model
from django.utils import translation
from grapple.registry import registry
from wagtail.models import Page, TranslatableMixin

from .locales import ID_DESCRIPTION, edition_locale_code, resolve_edition_id
from .status import load_translation_status, translation_status_field

# model -> {field name: graphene.Field}
EXTENSIONS = {}


def extend(model, **fields):
    """Add `fields` (graphene Fields with their resolvers) to `model`'s type."""
    EXTENSIONS.setdefault(model, {}).update(fields)


def translatable_fields():
    return {
        "resolved_locale": graphene.Field(
            graphene.String,
            required=True,
            resolver=edition_locale_code,
            description=(
                "The locale this edition came from: its own, or with a `fallback` "
                "chain the first locale that had an edition."
            ),
        ),
        "translation_status": translation_status_field(
            resolver=load_translation_status
        ),
    }


def apply():
    """Add the registered fields to grapple's types (once, before the schema is
    built); a model grapple has no type for is a start-up error."""
    types = registry.models
    rows = {t for m, t in types.items() if isinstance(m, type) and issubclass(m, Model)}
    for type_ in rows:
        if "id" in type_._meta.fields:
            field = copy.copy(type_._meta.fields["id"])
            field.resolver = resolve_edition_id
            field.description = ID_DESCRIPTION
            type_._meta.fields["id"] = field
    for model, type_ in types.items():
        if (
            isinstance(model, type)
            and issubclass(model, TranslatableMixin)
            and not issubclass(model, Page)
            and getattr(model, "graphql_fields", None)
        ):
            type_._meta.fields.update(translatable_fields())
    for model, fields in EXTENSIONS.items():
        if model not in types:
            raise ImproperlyConfigured(
                f"cms.api.extensions: grapple has no type for {model.__name__}; "
                "is its app in GRAPPLE['APPS']?"
            )
        types[model]._meta.fields.update(fields)
    for model, type_ in types.items():
        if isinstance(model, type) and issubclass(model, Model):
            describe(model, type_)


def describe(model, type_):
    """Describe `type_`'s undescribed fields by the model fields they show: "Label:
    help text." in English, the language of the committed schema."""
    for name, field in type_._meta.fields.items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        label = getattr(model_field, "verbose_name", "")
        if getattr(field, "description", None) or not label:
            continue
        with translation.override("en"):
            text = str(label)[:1].upper() + str(label)[1:]
            help_text = str(getattr(model_field, "help_text", "") or "")
        field = copy.copy(field)
        field.description = f"{text}: {help_text}" if help_text else f"{text}."
        type_._meta.fields[name] = field
