from sendboard.upn import CHECK_LETTERS, is_valid_upn, upn_check_letter


def test_check_letter_worked_example():
    # body 330 + 2000 + 15 + 001: weights 2..13; sum = 3*2+3*3+0*4+2*5+0+0+0+1*9+5*10+0+0+1*13 = 97; 97 % 23 = 5 -> 'F'
    body = "330200015001"
    assert upn_check_letter(body) == CHECK_LETTERS[97 % 23] == "F"
    assert is_valid_upn("F" + body)


def test_invalid_upns():
    assert not is_valid_upn("A330200015001")      # wrong check letter
    assert not is_valid_upn("F33020001500")       # too short
    assert not is_valid_upn("I330200015001")      # I is never a check letter
    assert not is_valid_upn("")
    assert not is_valid_upn(None)


def test_lowercase_and_spaces_accepted():
    assert is_valid_upn(" f330200015001 ")


def test_every_body_has_one_letter():
    for n in range(0, 10 ** 6, 7919):
        body = f"{n:012d}"
        letter = upn_check_letter(body)
        assert letter in CHECK_LETTERS and is_valid_upn(letter + body)
        others = [c for c in CHECK_LETTERS if c != letter]
        assert not any(is_valid_upn(c + body) for c in others[:3])
