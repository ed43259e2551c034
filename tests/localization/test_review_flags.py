"""简繁 corrections that stick (issue 18, item 3): when the source sentence of a
hand-corrected zh-hant segment changes, the sync converts the new sentence and
flags it for review; the translation editor shows the flag, and accepting the
proposal or translating the new sentence resolves it."""

import json
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.models import StringSegment, StringTranslation, Translation

from cms.localization.models import ReviewFlag
from cms.localization.sync import sync_traditional
from cms.localization.translators import to_traditional
from newsroom.models import NewsIndexPage
from tests.factories import NewsArticlePageFactory
from tests.localization.test_sync import body_texts, locale, paragraphs

SENTENCES = ("秘书处了解会员情况", "会员大会后来召开", "干部参加培训")
CORRECTION = "秘書處了解會員情況"  # OpenCC writes 祕書處 and 瞭解
NEW = "秘书处了解会员最新情况"


def convert(text):
    """The text as the sync's translator converts it into zh-hant."""
    config = get_machine_translator().config_for(locale("zh-hans"), locale("zh-hant"))
    return to_traditional({text}, config)[text]


@pytest.fixture
def article(db, publish):
    def article(*texts, title="秘书处简报"):
        index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
        return publish(
            NewsArticlePageFactory(
                parent=index,
                title=title,
                slug=title,
                summary="简报摘要",
                body=paragraphs(*(texts or SENTENCES)),
                live=False,
            )
        )

    return article


def to_hant(page):
    return Translation.objects.select_related("source").get(
        source__object_id=page.translation_key, target_locale=locale("zh-hant")
    )


def hant_page(page):
    return page.get_translation(locale("zh-hant")).specific


def correct(client, page, source_text, text):
    """Translate one segment by hand as the translation editor saves it (its PUT)."""
    translation = to_hant(page)
    segment = StringSegment.objects.get(
        source=translation.source, string__data=source_text
    )
    response = client.put(
        reverse(
            "wagtail_localize:edit_string_translation",
            args=[translation.pk, segment.pk],
        ),
        urlencode({"value": text}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 201), response.content


def change(page, publish, replacements):
    """Rewrite sentences of the source ({old: new}, block ids kept, as the
    editor keeps them) and publish it; returns the page afresh."""
    blocks = [dict(block) for block in page.body.raw_data]
    for block in blocks:
        for old, new in replacements.items():
            block["value"] = block["value"].replace(old, new)
    page.body = json.dumps(blocks)
    return publish(page)


def edit_html(client, page):
    response = client.get(reverse("wagtailadmin_pages:edit", args=[hant_page(page).pk]))
    assert response.status_code == 200
    return response.content.decode()


def accept_url(flag):
    return reverse("cms_localization_accept_proposal", args=[flag.pk])


@pytest.fixture
def flagged(article, publish, admin_client):
    """An article whose first sentence an editor corrected and whose source
    sentence then changed: (page, its flag)."""
    page = article()
    correct(admin_client, page, SENTENCES[0], CORRECTION)
    page = change(page, publish, {SENTENCES[0]: NEW})
    return page, ReviewFlag.objects.get()


def test_a_changed_corrected_sentence_is_converted_and_flagged(flagged, admin_client):
    page, flag = flagged
    proposed = convert(NEW)
    assert proposed == "祕書處瞭解會員最新情況"
    hant = hant_page(page)
    assert hant.live
    assert body_texts(hant) == [
        f"<p>{proposed}</p>",
        *(f"<p>{convert(s)}</p>" for s in SENTENCES[1:]),
    ]
    assert flag.translation == to_hant(page)
    assert (flag.old_source, flag.old_correction) == (SENTENCES[0], CORRECTION)
    assert (flag.new_source, flag.proposed) == (NEW, proposed)
    assert flag.created_at and flag.resolved_at is None
    # The proposal is the edition's machine translation of the new string.
    assert (
        StringTranslation.objects.get(
            translation_of=flag.string, context=flag.context, locale=locale("zh-hant")
        ).translation_type
        == StringTranslation.TRANSLATION_TYPE_MACHINE
    )

    # The translation editor, in the admin's Simplified Chinese, shows it.
    html = edit_html(admin_client, page)
    assert "1 个片段待审核：人工更正后，其原文已更改" in html
    for text in (SENTENCES[0], NEW, CORRECTION, proposed, "接受建议"):
        assert text in html
    assert accept_url(flag) in html

    # The zh-hant explorer counts it beside the page.
    listing = admin_client.get(
        reverse("wagtailadmin_explore", args=[hant.get_parent().pk])
    ).content.decode()
    assert "1 个片段待审核" in listing


def test_accepting_the_proposal_resolves_the_flag(
    flagged, admin_client, admin_user, publish
):
    page, flag = flagged
    response = admin_client.post(accept_url(flag))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "wagtailadmin_pages:edit", args=[hant_page(page).pk]
    )
    flag.refresh_from_db()
    assert flag.resolution == ReviewFlag.ACCEPTED
    assert flag.resolved_by == admin_user and flag.resolved_at
    html = edit_html(admin_client, page)
    assert accept_url(flag) not in html and CORRECTION not in html
    assert f"已接受建议：{flag.proposed}" in html  # the success message
    # Accepting twice changes nothing.
    assert admin_client.post(accept_url(flag)).status_code == 302
    # The accepted proposal is no correction: the next change flags nothing.
    change(page, publish, {NEW: "秘书处了解会员近况"})
    assert ReviewFlag.objects.filter(resolved_at__isnull=True).count() == 0
    assert f"<p>{convert('秘书处了解会员近况')}</p>" in body_texts(hant_page(page))


def test_translating_the_new_sentence_resolves_the_flag(
    flagged, admin_client, admin_user, publish
):
    page, flag = flagged
    correct(admin_client, page, NEW, "秘書處了解會員最新情況")
    flag.refresh_from_db()
    assert flag.resolution == ReviewFlag.TRANSLATED
    assert flag.resolved_by == admin_user
    to_hant(page).save_target(publish=True)  # the translation editor's Publish
    assert body_texts(hant_page(page))[0] == "<p>秘書處了解會員最新情況</p>"
    # That translation is a correction in its turn.
    page = change(page, publish, {NEW: "秘书处了解会员近况"})
    again = ReviewFlag.objects.get(resolved_at__isnull=True)
    assert (again.old_source, again.old_correction) == (NEW, "秘書處了解會員最新情況")
    assert again.new_source == "秘书处了解会员近况"


def test_a_flag_follows_the_source_until_reviewed(flagged, publish):
    page, flag = flagged
    page = change(page, publish, {NEW: "秘书处了解会员近况"})
    current = ReviewFlag.objects.get()
    assert (current.old_source, current.old_correction) == (SENTENCES[0], CORRECTION)
    assert current.new_source == "秘书处了解会员近况"
    # Back to the corrected sentence: the correction applies again, nothing to review.
    page = change(page, publish, {"秘书处了解会员近况": SENTENCES[0]})
    assert not ReviewFlag.objects.exists()
    assert body_texts(hant_page(page))[0] == f"<p>{CORRECTION}</p>"


def test_changing_another_sentence_keeps_the_correction_and_flags_nothing(
    article, publish, admin_client
):
    page = article()
    correct(admin_client, page, SENTENCES[0], CORRECTION)
    page = change(page, publish, {SENTENCES[1]: "会员大会明天召开"})
    assert body_texts(hant_page(page))[:2] == [
        f"<p>{CORRECTION}</p>",
        f"<p>{convert('会员大会明天召开')}</p>",
    ]
    assert not ReviewFlag.objects.exists()
    assert "接受建议" not in edit_html(admin_client, page)


def test_no_flag_without_an_earlier_correction(article, publish):
    page = change(article(), publish, {SENTENCES[0]: NEW})
    assert body_texts(hant_page(page))[0] == f"<p>{convert(NEW)}</p>"
    assert not ReviewFlag.objects.exists()


def test_paragraphs_of_one_rich_text_are_told_apart(article, publish, admin_client):
    """A rich text block with several paragraphs is one translation context:
    a correction is paired with the sentence that replaced it (the most alike),
    not with whichever changed paragraph of the block comes first."""
    page = article(f"{SENTENCES[1]}</p><p>{SENTENCES[0]}")
    correct(admin_client, page, SENTENCES[0], CORRECTION)
    page = change(page, publish, {SENTENCES[1]: "会员大会明天召开"})
    assert not ReviewFlag.objects.exists()
    page = change(page, publish, {"明天": "下周", SENTENCES[0]: NEW})
    flag = ReviewFlag.objects.get()
    assert (flag.old_correction, flag.new_source) == (CORRECTION, NEW)
    assert body_texts(hant_page(page)) == [
        f"<p>{convert('会员大会下周召开')}</p><p>{convert(NEW)}</p>"
    ]


@pytest.fixture
def simplified_editor(db):
    """An editor who may edit the zh-hans tree only."""
    group = Group.objects.create(name="简体编辑")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    home = NewsIndexPage.objects.get(locale__language_code="zh-hans").get_parent()
    GroupPagePermission.objects.create(
        group=group,
        page=home,
        permission=Permission.objects.get(codename="change_page"),
    )
    user = get_user_model().objects.create_user("simplified", password="pw")
    user.groups.add(group)
    return user


def test_bad_accepts_are_refused(flagged, client, admin_client, simplified_editor):
    page, flag = flagged
    assert admin_client.get(accept_url(flag)).status_code == 405
    unknown = reverse("cms_localization_accept_proposal", args=[flag.pk + 1000])
    assert admin_client.post(unknown).status_code == 404
    anonymous = client.post(accept_url(flag))
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    client.force_login(simplified_editor)
    assert client.post(accept_url(flag)).status_code == 404
    flag.refresh_from_db()
    assert flag.resolved_at is None


def changed_article(article, publish, admin_client, settings, corrected):
    """A new article whose first `corrected` sentences an editor corrected and
    whose three sentences then all changed, published without its sync (which
    the caller runs)."""
    page = article(title=f"秘书处简报{corrected}")
    for sentence in SENTENCES[:corrected]:
        correct(admin_client, page, sentence, convert(sentence) + "（更正）")
    settings.CMS_AUTO_TRADITIONAL = False
    page = change(page, publish, {s: s + "，今年" for s in SENTENCES})
    settings.CMS_AUTO_TRADITIONAL = True
    return page


def test_the_sync_queries_do_not_grow_with_the_flags(
    article, publish, admin_client, settings, django_assert_max_num_queries
):
    page = changed_article(article, publish, admin_client, settings, corrected=1)
    with django_assert_max_num_queries(1000) as captured:
        sync_traditional(page)
    one = len(captured.captured_queries)  # read now: a request empties the log
    assert one and ReviewFlag.objects.filter(translation=to_hant(page)).count() == 1

    page = changed_article(article, publish, admin_client, settings, corrected=3)
    with django_assert_max_num_queries(one):
        sync_traditional(page)
    assert ReviewFlag.objects.filter(translation=to_hant(page)).count() == 3
