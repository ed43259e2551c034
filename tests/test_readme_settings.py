"""The README's settings table lists every setting of the project's own (issue
13, item 5): a setting added without its row, or a row left behind by a removed
setting, fails here."""

import re
from pathlib import Path

from django.conf import settings

README = Path(settings.BASE_DIR) / "README.md"
ROW = re.compile(r"^\| `(CMS_[A-Z_]+)`( \(environment only\))?", re.MULTILINE)


def test_every_cms_setting_has_a_row_and_every_row_a_setting():
    rows = ROW.findall(README.read_text())
    documented = {name for name, environment_only in rows if not environment_only}
    defined = {name for name in dir(settings) if name.startswith("CMS_")}
    assert len(defined) > 10
    assert defined == documented
