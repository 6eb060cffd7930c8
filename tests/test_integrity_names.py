"""The governors' commentary name check: names in any order, initials, odd spacing and punctuation, UPNs
with separators; ordinary words are not taken for names."""
import pytest

from sendboard import clock
from sendboard.governors import GovernorsError
from sendboard.governors.commentary import get_commentary, save_commentary
from sendboard.names import Person, names_in
from sendboard.scope import Scope

PEOPLE = [Person("Oliver", "Gardner", "A123456789012"), Person("Alice", "Green", "B123456789012"),
          Person("Zoë", "O'Brien", "C123456789012"), Person("Mary-Jane", "Smith", "D123456789012")]


@pytest.mark.parametrize("text,who", [
    ("Oliver Gardner did well", "Oliver"),
    ("Gardner, Oliver did well", "Oliver"),
    ("O. Gardner did well", "Oliver"),
    ("O Gardner", "Oliver"),
    ("Gardner O. joined", "Oliver"),
    ("Oliver  Gardner", "Oliver"),             # doubled space
    ("Oliver\u00a0Gardner", "Oliver"),         # non-breaking space
    ("Oliver\u2009Gardner", "Oliver"),         # thin space
    ("OLIVER GARDNER", "Oliver"),
    ("Oliver James Gardner", "Oliver"),        # a middle name
    ("A123 4567 8901 2", "Oliver"),            # spaced-out UPN
    ("a123-4567-8901-2", "Oliver"),
    ("A.1.2.3.4.5.6.7.8.9.0.1.2", "Oliver"),
    ("Zoe O'Brien", "Zoë"), ("Zoe OBrien", "Zoë"), ("Z. O\u2019Brien", "Zoë"), ("O'Brien, Zoe", "Zoë"),
    ("Mary Jane Smith", "Mary-Jane"), ("Smith, Mary-Jane", "Mary-Jane"), ("M. Smith", "Mary-Jane"),
])
def test_a_name_written_any_of_these_ways_is_caught(text, who):
    assert [p.first_name for p in names_in(text, PEOPLE)] == [who]


@pytest.mark.parametrize("text", [
    "Attendance rose; a green light for the new plan.",   # 'a' is not an initial, Green not a name alone
    "Oliver did well", "Mr Gardner visited", "Gardens and olive trees", "UPN checks: 123456789",
    "Reading ages in Year 7 improved by 8 months.",
])
def test_ordinary_words_are_not_taken_for_names(text):
    assert names_in(text, PEOPLE) == []


@pytest.mark.parametrize("text", ["Fixture03, Pupil03 has settled", "P. Fixture03 settled", "Pupil03\u00a0\u00a0Fixture03",
                                  "pupil ZUPN", "Fixture12 P."])
def test_commentary_refused_for_fixture_pupils(fixture_db, viewers, text):
    upn = fixture_db.cursor().execute("SELECT upn FROM pupils WHERE pupil_id = 3").fetchone()[0]
    text = text.replace("ZUPN", " ".join(upn[i:i + 4] for i in range(0, len(upn), 4)))
    with pytest.raises(GovernorsError, match="names a pupil"):
        save_commentary(fixture_db, Scope(viewers["head"], clock.today()), 1, 2025, "overall", text)
    assert get_commentary(fixture_db, Scope(viewers["head"], clock.today()), 1, 2025) == {}


def test_another_schools_pupil_is_not_matched_for_this_school(fixture_db, viewers):
    # pupil 21 (Pupil21 Fixture21) is at Elm Road, not Oak Lane: naming them is not naming an Oak Lane pupil
    assert save_commentary(fixture_db, Scope(viewers["head"], clock.today()), 1, 2025, "overall", "Pupil21 Fixture21") == "Pupil21 Fixture21"
