"""The project's own admin labels and messages in Simplified and Traditional
Chinese (locale/): every message translated, and the compiled catalogs current.
django.po holds ours (makemessages); djangojs.po the messages of Wagtail's and
wagtail-localize's JavaScript that their own catalogs lack
(tests/home/test_js_catalogs.py)."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGS = Path(settings.BASE_DIR) / "locale"
# Fewer entries than these: a catalog lost its messages.
AT_LEAST = {"django": 150, "djangojs": 20}


@pytest.mark.parametrize("domain", AT_LEAST)
@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_every_message_is_translated_and_compiled(language, domain):
    folder = CATALOGS / language / "LC_MESSAGES"
    po = polib.pofile(str(folder / f"{domain}.po"))
    assert len(po) > AT_LEAST[domain]
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.mofile(str(folder / f"{domain}.mo"))
        if e.msgid
    }
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in po if not e.obsolete
    }
    assert compiled == source, "run compilemessages: the .mo file is older than the .po"
