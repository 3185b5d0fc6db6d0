from connectedness.crawler.charset import decode_body, header_charset


def test_header_charset_parsing() -> None:
    assert header_charset('text/html; charset="ISO-8859-1"') == "ISO-8859-1"
    assert header_charset("text/html") is None


def test_header_declared_charset_is_used() -> None:
    text, encoding, source, warnings = decode_body("Café".encode("latin-1"), "text/html; charset=iso-8859-1")
    assert (text, encoding, source, warnings) == ("Café", "iso8859-1", "header", [])


def test_meta_charset_is_used_when_the_header_is_silent() -> None:
    body = '<meta charset="windows-1252"><p>Crème brûlée</p>'.encode("cp1252")
    text, encoding, source, _ = decode_body(body, "text/html")
    assert "Crème brûlée" in text and (encoding, source) == ("cp1252", "meta")


def test_a_lying_utf8_declaration_is_detected_and_reported() -> None:
    body = ("<html><body><p>Café crème, déjà vu, à la carte: " * 20 + "</p></body></html>").encode("cp1252")
    text, encoding, source, warnings = decode_body(body, "text/html; charset=utf-8")
    assert "Café crème" in text
    assert source == "detected" and encoding != "utf-8"
    assert any(w.startswith("charset_mismatch:header declares utf-8") for w in warnings)


def test_undeclared_utf8_is_read_as_utf8() -> None:
    text, encoding, source, _ = decode_body("Zürich".encode(), "text/html")
    assert (text, encoding, source) == ("Zürich", "utf-8", "default")


def test_bom_wins() -> None:
    text, _encoding, source, _ = decode_body(b"\xef\xbb\xbfhello", "text/html; charset=latin-1")
    assert (text, source) == ("hello", "bom")


def test_unknown_charset_name_is_reported_not_fatal() -> None:
    _, encoding, _, warnings = decode_body(b"plain", "text/html; charset=klingon-8")
    assert encoding == "utf-8" and warnings == ["unknown_charset:klingon-8"]
