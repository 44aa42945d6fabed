"""XML entity attacks are refused before any parser runs; undefined entities are kept (or read as their HTML
character) with a warning naming the entity and the line, never dropped with their text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import Bio.Entrez.Parser
import pytest

from reviewflow.errors import InputError
from reviewflow.importing.formats import endnote_xml, pubmed_xml
from tests.importing.test_formats_xml_bibtex import ENDNOTE_TEXT, PUBMED_MIXED

PUBMED_DOCTYPE = PUBMED_MIXED.split("\n")[1]
LAUGHS = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10))


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(Bio.Entrez.Parser, "urlopen", refuse)


def _pubmed(subset: str, reference: str) -> str:
    doctype = PUBMED_DOCTYPE.replace('.dtd">', f'.dtd" [\n{subset}]>')
    return PUBMED_MIXED.replace(PUBMED_DOCTYPE, doctype).replace("<ArticleTitle>Second", f"<ArticleTitle>{reference}")


def _endnote(subset: str, reference: str) -> str:
    text = ENDNOTE_TEXT.replace("<xml><records>", f"<!DOCTYPE xml [\n{subset}]>\n<xml><records>")
    return text.replace("<title>Second", f"<title>{reference}Second")


@pytest.mark.parametrize(("subset", "reference", "message"), [
    (LAUGHS, "&lol9;", "declares entities"),
    ('<!ENTITY xxe SYSTEM "file:///etc/passwd">', "&xxe;", "declares entities"),
    ('<!ENTITY % ext SYSTEM "file:///nonexistent.dtd"> %ext;', "", "parameter entity"),
    ("%ext;", "", "parameter entity"),
])
@pytest.mark.parametrize(("reader", "build"), [(pubmed_xml, _pubmed), (endnote_xml, _endnote)])
def test_entity_attacks_are_refused_with_the_line(reader: ModuleType, build: Callable[[str, str], str], subset: str,
                                                  reference: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        reader.read(Path("attack.xml"), build(subset, reference))
    assert caught.value.line == 3 and caught.value.field == "DOCTYPE"
    assert "billion laughs" in str(caught.value)


@pytest.mark.parametrize(("reader", "text"), [
    (pubmed_xml, PUBMED_MIXED.replace("<ArticleTitle>Second", "<ArticleTitle>&eacute;t&eacute; &nosuch; Second")),
    (endnote_xml, ENDNOTE_TEXT.replace("<title>Second", "<title>&eacute;t&eacute; &nosuch; Second")),
])
def test_undefined_entities_keep_their_text_and_are_named(reader: ModuleType, text: str,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    records = reader.read(Path("entities.xml"), text)
    assert records[-1].title.startswith("été &nosuch; Second")
    line = text[: text.index("&eacute;")].count("\n") + 1
    assert f"entities.xml:{line}: HTML entity &eacute; (not defined in XML) read as 'é' (2 times" in caplog.text
    assert f"entities.xml:{line}: undefined XML entity &nosuch; kept as the text '&nosuch;'" in caplog.text


def test_entities_inside_cdata_and_comments_are_left_alone() -> None:
    text = ENDNOTE_TEXT.replace("<title>Second", "<!-- &nosuch; --><title><![CDATA[&raw;]]>Second")
    assert endnote_xml.read(Path("cdata.xml"), text)[-1].title == "&raw;Second"
