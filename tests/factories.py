"""Factories for test data; the demo site itself comes from demo.site."""

import datetime
import uuid

import factory
import wagtail_factories
from wagtail.models import Locale

from newsroom.models import NewsArticleAuthor, NewsArticlePage, NewsCategory


class NewsArticlePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"新闻 {n}")
    summary = "概览"
    date = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(n))
    translation_key = factory.LazyFunction(uuid.uuid4)

    class Meta:
        model = NewsArticlePage


class NewsCategoryFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"类别 {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    locale = factory.LazyFunction(Locale.get_default)

    class Meta:
        model = NewsCategory


class NewsArticleAuthorFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"作者 {n}")

    class Meta:
        model = NewsArticleAuthor
