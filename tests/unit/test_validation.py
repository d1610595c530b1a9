"""Register validation: what blocks a save, what only warns, how values are normalised."""
from __future__ import annotations

from frontdesk.domain.register.validation import (
    check_visit,
    display_phone,
    mask_id,
    normalize_phone,
    normalize_plate,
    resident_id_problem,
)
from frontdesk.domain.register.visits import CredentialType, VisitKind

GOOD_ID = "11010519491231002X"


def test_resident_id_checksum() -> None:
    assert resident_id_problem(GOOD_ID) is None
    assert resident_id_problem("110105194912310021") == "id_checksum"
    assert resident_id_problem("1101051949123100") == "id_format"
    # Full-width digits and a lower-case x are normalised first.
    assert resident_id_problem("１１０１０５１９４９１２３１００２ｘ") is None


def test_resident_id_birthdate_must_be_a_date() -> None:
    # Valid checksum arithmetic but month 13: build one whose check digit is right.
    body = "11010519491331002"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    assert resident_id_problem(body + check) == "id_birthdate"


def test_mask_id_shows_head_and_tail_only() -> None:
    assert mask_id("110105194912311234") == "1101**********1234"


def test_phone_normalised_to_e164_and_invalid_refused() -> None:
    assert normalize_phone("138 0013 8000") == ("+8613800138000", None)
    assert normalize_phone("010-12345678")[1] is None
    assert normalize_phone("1380013800")[1] == "phone_invalid"
    assert normalize_phone("abc")[1] == "phone_unreadable"
    assert display_phone("+8613800138000") == "138 0013 8000"


def test_plate_normalised_and_soft_checked() -> None:
    assert normalize_plate("粤b·12345") == "粤B12345"
    chk = check_visit(VisitKind.VISITOR, {"name": "甲", "plate": "京AI2345"}, CredentialType.NONE)
    assert chk.ok and chk.warnings == {"plate": "plate_format"}


def test_journalist_needs_a_name_but_suspicious_person_does_not() -> None:
    journalist = check_visit(VisitKind.JOURNALIST, {"name": "  "}, CredentialType.NONE)
    assert journalist.errors == {"name": "name_required"}
    suspicious = check_visit(VisitKind.SUSPICIOUS_PERSON, {"name": ""}, CredentialType.NONE)
    assert suspicious.ok


def test_press_card_only_warns() -> None:
    chk = check_visit(VisitKind.JOURNALIST, {"name": "张三", "credential_number": "12345"},
                      CredentialType.PRESS_CARD)
    assert chk.ok
    assert chk.warnings["credential_number"] == "press_card_format"
    good = check_visit(VisitKind.JOURNALIST, {"name": "张三", "credential_number": "b123456789012"},
                       CredentialType.PRESS_CARD)
    assert good.warnings == {} and good.values["credential_number"] == "B123456789012"


def test_bad_resident_id_blocks_and_names_the_field() -> None:
    chk = check_visit(VisitKind.VISITOR, {"name": "李四", "credential_number": "110105194912310021"},
                      CredentialType.RESIDENT_ID)
    assert chk.errors == {"credential_number": "id_checksum"}
