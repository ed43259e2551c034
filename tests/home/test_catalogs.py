"""The project's own admin labels and messages in Simplified and Traditional
Chinese (locale/): every message translated, and the compiled catalogs current."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGS = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_every_message_is_translated_and_compiled(language):
    folder = CATALOGS / language / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    assert len(po) > 150
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.mofile(str(folder / "django.mo"))
        if e.msgid
    }
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in po if not e.obsolete
    }
    assert compiled == source, "run compilemessages: the .mo file is older than the .po"
