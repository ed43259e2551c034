"""Factories for test data; the demo site itself comes from home.demo."""

import uuid

import factory
import wagtail_factories

from newsroom.models import NewsArticlePage


class NewsArticlePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"新闻 {n}")
    summary = "概览"
    translation_key = factory.LazyFunction(uuid.uuid4)

    class Meta:
        model = NewsArticlePage
