"""The end of a document's validity from the registration form's choice (5/10/20 years, 长期, a date)."""

from datetime import date

import pytest

from app.services.accounts.registration import validity_end


@pytest.mark.parametrize(
    "valid_from, choice, typed, end",
    [
        (date(2020, 3, 1), "5", None, date(2025, 3, 1)),
        (date(2020, 3, 1), "10", date(2099, 1, 1), date(2030, 3, 1)),  # the period wins over a typed date
        (date(2020, 2, 29), "20", None, date(2040, 2, 29)),
        (date(2016, 2, 29), "5", None, date(2021, 2, 28)),
        (date(2020, 3, 1), "long", date(2030, 1, 1), None),
        (date(2020, 3, 1), "", date(2030, 1, 1), date(2030, 1, 1)),
        (date(2020, 3, 1), None, None, None),
        (None, "10", date(2030, 1, 1), date(2030, 1, 1)),  # no start: nothing to count from
        (date(2020, 3, 1), "7", date(2030, 1, 1), date(2030, 1, 1)),  # not a period the form offers
    ],
)
def test_validity_end(valid_from, choice, typed, end):
    assert validity_end(valid_from, choice, typed) == end
