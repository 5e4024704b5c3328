"""core.codes: typed codes without look-alikes; signed QR payloads that decode and verify."""

import pytest

from core.codes import (
    ALPHABET,
    InvalidCode,
    qr_payload,
    qr_payload_read,
    qr_png,
    short_code_format,
    short_code_new,
    short_code_normalize,
)
from tests.qr import qr_decode


def test_short_codes_avoid_look_alikes_and_survive_how_people_type_them():
    code = short_code_new()
    assert len(code) == 10
    assert not set(code) & set("01ILO")
    assert set(code) <= set(ALPHABET)
    typed = f" {short_code_format(code).lower()} "
    assert short_code_normalize(typed) == code


@pytest.mark.parametrize("typed", ["", "----", "ABCO-2345", "ab!c"])
def test_typed_codes_outside_the_alphabet_are_invalid(typed):
    with pytest.raises(InvalidCode):
        short_code_normalize(typed)


def test_a_qr_image_decodes_to_a_payload_that_verifies():
    payload = qr_payload("C", "K7QM3XHDPA")
    assert qr_decode(qr_png(payload)) == payload
    assert qr_payload_read(payload) == ("C", "K7QM3XHDPA")


def test_forged_altered_and_foreign_payloads_are_rejected_without_a_lookup():
    payload = qr_payload("C", "K7QM3XHDPA")
    kind_swapped = payload.replace("O2O:C:", "O2O:M:")
    value_altered = payload.replace("K7QM3XHDPA", "K7QM3XHDPB")
    for bad in [kind_swapped, value_altered, "O2O:C:K7QM3XHDPA:forged", "hello", "O2O:X:a:b"]:
        with pytest.raises(InvalidCode):
            qr_payload_read(bad)


def test_code_read_is_the_one_reader_of_scanned_and_typed_codes():
    from core.codes import code_read, qr_payload

    scanned = code_read(qr_payload("M", "K7QM3XHDPA"), kind="C")  # a QR names its own kind
    assert (scanned.kind, scanned.value, scanned.from_qr) == ("M", "K7QM3XHDPA", True)
    lower_prefix = code_read("o2o" + qr_payload("O", "K7QM3XHDPA")[3:])
    assert (lower_prefix.kind, lower_prefix.value) == ("O", "K7QM3XHDPA")
    for typed in ("k7qm-3xhd-pa", " K7QM 3XHD PA ", "K7QM3XHDPA"):
        read = code_read(typed)
        assert (read.kind, read.value, read.from_qr) == (None, "K7QM3XHDPA", False)
    assert code_read("k7qm3xhdpa", kind="C").kind == "C"
    for bad in ("O2O:C:K7QM3XHDPA:forged", "0OIL", "", "O2O:X:1:2"):
        with pytest.raises(InvalidCode):
            code_read(bad)
