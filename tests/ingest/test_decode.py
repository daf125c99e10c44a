"""Bytes -> text: UTF-8, legacy encodings, binary data."""

from __future__ import annotations

import codecs

import pytest

from onrecord.errors import BinaryInput
from onrecord.ingest.decode import declared_html_charset, decode_bytes


def test_utf8_is_decoded_unchanged() -> None:
    text = "Ça va — “quoted” 40\u00a0km\r\n"
    assert decode_bytes(text.encode("utf-8"), name="a.txt") == text


def test_cp1252_smart_quotes_decode_to_the_right_characters() -> None:
    text = "The minister said \u201cwe will act\u201d \u2014 and it\u2019s done. Caf\u00e9 \u20ac5."
    assert decode_bytes(text.encode("cp1252"), name="a.txt") == text


def test_latin1_decodes() -> None:
    text = "Le café était fermé à Genève, déclare le maire."
    assert decode_bytes(text.encode("latin-1"), name="a.txt") == text


def test_other_legacy_encodings_go_to_charset_normalizer() -> None:
    # windows-1251 bytes also decode as windows-1252, into mojibake; that must be refused.
    text = "Министр заявил, что правительство примет меры на следующей неделе."
    assert decode_bytes(text.encode("cp1251"), name="a.txt") == text


def test_declared_charset_is_tried_before_guessing() -> None:
    text = "Ministr řekl, že vláda přijme opatření."
    assert decode_bytes(text.encode("iso-8859-2"), name="a.html", declared="iso-8859-2") == text


def test_byte_order_marks_are_dropped_and_nothing_else() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + b"Hi\r\n", name="a.txt") == "Hi\r\n"
    assert decode_bytes("Hi\n".encode("utf-16"), name="a.txt") == "Hi\n"


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (b"PK\x03\x04\x00\x00 zipped", "NUL bytes"),
        (b"\x01\x02\x03\x04\x05abcdefgh", "control bytes"),
    ],
)
def test_binary_data_is_refused(data: bytes, detail: str) -> None:
    with pytest.raises(BinaryInput, match=detail) as caught:
        decode_bytes(data, name="data/x.txt")
    assert caught.value.code == "binary"
    assert caught.value.message.startswith("data/x.txt: ")


def test_declared_html_charset() -> None:
    assert declared_html_charset(b'<html><head><meta charset="Windows-1252">') == "windows-1252"
    assert (
        declared_html_charset(
            b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
        )
        == "koi8-r"
    )
    assert declared_html_charset(b"<html><body>no declaration</body></html>") is None


def test_bytes_no_encoding_reads_are_refused_with_one_clear_line() -> None:
    with pytest.raises(BinaryInput) as caught:
        decode_bytes(bytes(range(0x80, 0x100)) * 3, name="data/x.txt")
    assert str(caught.value) == "data/x.txt: not UTF-8 text and not a known encoding"
