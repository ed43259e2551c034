"""tests/factories.py: a factory for every model of the domain apps, each making a
valid row."""

import factory
import pytest
from django.apps import apps
from wagtail.models import Page

from newsroom.models import NewsIndexPage
from organisation.models import OrganisationIndexPage
from tests import factories

APPS = ("home", "newsroom", "organisation")


def model_factories():
    return {
        value._meta.model: value
        for value in vars(factories).values()
        if isinstance(value, type)
        and issubclass(value, factory.django.DjangoModelFactory)
        and value._meta.model is not None
    }


def test_every_model_has_a_factory():
    models = {m for app in APPS for m in apps.get_app_config(app).get_models()}
    assert models - set(model_factories()) == set()


@pytest.mark.django_db
def test_every_factory_makes_a_valid_row():
    news = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    about = OrganisationIndexPage.objects.get(locale__language_code="zh-hans")
    committees = factories.CommitteeIndexPageFactory(parent=about)
    article = factories.NewsArticlePageFactory(parent=news)
    parents = {
        factories.HomePageFactory: {"parent": Page.get_first_root_node()},
        factories.NewsIndexPageFactory: {"parent": news.get_parent(), "slug": "n2"},
        factories.NewsArticlePageFactory: {"parent": news},
        factories.OrganisationIndexPageFactory: {
            "parent": news.get_parent(),
            "slug": "a2",
        },
        factories.CommitteeIndexPageFactory: {"parent": about, "slug": "c2"},
        factories.CommitteePageFactory: {"parent": committees},
        factories.NewsArticleAuthorFactory: {"article": article},
        factories.NewsArticleTagFactory: {"content_object": article},
        factories.ArticleViewCountFactory: {"article": article},
    }
    made = {}
    for model, model_factory in model_factories().items():
        if model._meta.app_label not in APPS:
            continue
        instance = model_factory(**parents.get(model_factory, {}))
        instance.full_clean()
        made[model] = type(instance).objects.get(pk=instance.pk)
    assert set(made) == {
        m for app in APPS for m in apps.get_app_config(app).get_models()
    }


@pytest.mark.django_db
def test_in_locales_shares_the_translation_key():
    labels = factories.in_locales(
        factories.RegionFactory,
        {"zh-hans": {"name": "西湖区"}, "en": {"name": "Xihu"}},
        slug="xihu",
    )
    assert labels["en"].get_translation(labels["zh-hans"].locale) == labels["zh-hans"]
    copy = factories.translation_of(labels["zh-hans"], "zh-hant", name="西湖區")
    assert (copy.translation_key, copy.slug) == (labels["en"].translation_key, "xihu")


def test_credit_codes_are_valid_and_differ():
    from organisation.credit_code import credit_code_problem

    codes = [factories.credit_code(n) for n in range(200)]
    assert len(set(codes)) == 200
    assert not [code for code in codes if credit_code_problem(code)]
