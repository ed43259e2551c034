"""The unified social credit code (统一社会信用代码, GB 32100-2015).

18 characters from a 31-character alphabet (no I, O, S, V, Z): registering
authority (1), organisation type (1), administrative region (6), the organisation
code of GB 11714 (8 characters and its own check character), and a check character
over the first 17. Both check characters are verified, so a typo anywhere is caught.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalise(code):
    """The code as stored: trimmed, upper case, full-width forms folded."""
    return "".join(
        chr(ord(char) - 0xFEE0) if "\uff01" <= char <= "\uff5e" else char
        for char in str(code).strip()
    ).upper()


def credit_code_check_character(first17):
    total = sum(
        ALPHABET.index(char) * w for char, w in zip(first17, WEIGHTS, strict=True)
    )
    return ALPHABET[(31 - total % 31) % 31]


def organisation_code_check_character(body):
    """GB 11714's check character for the 8-character organisation code body."""
    total = sum(
        (int(char) if char.isdigit() else ord(char) - 55) * weight
        for char, weight in zip(body, ORGANISATION_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code_problem(code):
    """Why `code` is not a valid credit code, or None when it is."""
    if len(code) != 18:
        return _("a credit code has 18 characters, this one has %(n)d") % {
            "n": len(code)
        }
    wrong = [char for char in code if char not in ALPHABET]
    if wrong:
        return _("the character %(char)r cannot appear in a credit code") % {
            "char": wrong[0]
        }
    if organisation_code_check_character(code[8:16]) != code[16]:
        return _("the organisation code (characters 9 to 17) fails its check")
    if credit_code_check_character(code[:17]) != code[17]:
        return _("the check character (the 18th) is wrong")
    return None


def validate_credit_code(value):
    """Model and form validator."""
    if problem := credit_code_problem(normalise(value)):
        raise ValidationError(
            _("Invalid credit code: %(problem)s.") % {"problem": problem}
        )
