import pytest
from django.core.exceptions import ValidationError

from organisation.credit_code import (
    credit_code_problem,
    normalise,
    validate_credit_code,
)
from organisation.demo_members import generated_companies

# These tests check the English wording of messages.
pytestmark = pytest.mark.usefixtures("english")

SAMPLE_CODES = ["91330402MA2H3BJ112", "91330108786QAEJX9J", "913310036322547M32"]


@pytest.mark.parametrize("code", SAMPLE_CODES)
def test_real_codes_are_valid(code):
    assert credit_code_problem(code) is None
    validate_credit_code(code)


@pytest.mark.parametrize(
    "code, problem",
    [
        ("91330402MA2H3BJ113", "the check character (the 18th) is wrong"),
        ("91330402MA2H3BJ212", "the organisation code (characters 9 to 17)"),
        ("91330402MA2H3BJ1", "has 18 characters, this one has 16"),
        ("91330402MA2H3BJO12", "the character 'O' cannot appear"),
        ("91330402MA2H3BJ1I2", "the character 'I' cannot appear"),
    ],
)
def test_wrong_codes_say_why(code, problem):
    assert problem in str(credit_code_problem(code))
    with pytest.raises(ValidationError):
        validate_credit_code(code)


def test_normalise_folds_case_space_and_full_width():
    assert normalise(" ９１330402ma2h3bj112 ") == "91330402MA2H3BJ112"


def test_generated_demo_codes_are_valid_and_unique():
    codes = [c["credit_code"] for c in generated_companies(5000)]
    assert len(set(codes)) == 5000
    assert all(credit_code_problem(code) is None for code in codes)
