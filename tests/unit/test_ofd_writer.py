"""The OFD writer, read back by an independent implementation (easyofd's parser)."""

import io
import zipfile

import pytest
from PIL import Image

from app.services.certificates.fonts import build_font
from app.services.certificates.layout import PAGE_HEIGHT, PAGE_WIDTH, layout_for
from app.services.certificates.ofd_writer import write_ofd

easyofd = pytest.importorskip("easyofd.ofd")


def png(color, size=(40, 40)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


PAYLOAD = {
    "certificate": {
        "number": "JZS202600000001",
        "kind": "constructor_1",
        "holder_name": "欧阳建𠀀国",
        "gender": "M",
        "birth_date": "1980-05-12",
        "document": "1101**********0351",
        "registration_number": "京1112010202600001",
        "employer": "北京建工示范建设集团有限公司第三工程公司（北京市朝阳区示范路一百号院）",
        "specialties": [["建筑工程", "2029-11-28"], ["机电工程", "2029-11-28"]],
        "registration_valid_to": "2029-11-28",
        "issued_on": "2026-11-29",
        "authority": "中华人民共和国住房和城乡建设部",
        "status": "valid",
    },
    "endorsement": {
        "code": "abc",
        "purpose": "bidding",
        "detail": "",
        "valid_from": "2026-11-29",
        "valid_to": "2027-05-27",
    },
}


@pytest.fixture(scope="module")
def ofd_bytes():
    page = layout_for(PAYLOAD, "投标使用", "2026-11-29 10:00", png("black"), png("red", (80, 80)))
    return write_ofd(
        page,
        build_font(page.all_text()),
        title=page.title,
        author="住建部",
        attachments={"certificate-signature.json": b'{"payload": "x"}'},
    )


@pytest.fixture(scope="module")
def parsed(ofd_bytes):
    reader = easyofd.OFD()
    reader.read(ofd_bytes, fmt="binary")
    return reader.data[0]


def texts(parsed):
    return [t["text"] for page in parsed["page_info"].values() for t in page["text_list"]]


def test_the_page_is_a4_in_millimetres(parsed):
    assert parsed["default_page_size"] == [0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT]
    assert parsed["page_size"] == [[0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT]]


def test_the_text_is_real_text_that_a_reader_extracts(parsed):
    lines = texts(parsed)
    assert "中华人民共和国一级建造师注册证书" in lines
    assert "京1112010202600001" in lines
    assert "1980年05月12日" in lines
    assert any("投标使用" in line for line in lines)  # the purpose watermark
    # A long employer name is wrapped onto several lines, nothing lost.
    assert (
        "".join(line for line in lines if "北京建工" in line or "示范路" in line or "公司" in line).count("第三工程")
        == 1
    )


def test_a_character_outside_the_font_is_printed_as_a_box_not_dropped(parsed):
    assert "欧阳建□国" in texts(parsed)


def test_the_font_is_embedded_and_holds_every_character(parsed, ofd_bytes):
    fonts = parsed["fonts"]
    assert len(fonts) == 1
    font = next(iter(fonts.values()))
    assert font["font_b64"]
    from fontTools.ttLib import TTFont

    with zipfile.ZipFile(io.BytesIO(ofd_bytes)) as package:
        font_file = next(name for name in package.namelist() if name.endswith(".ttf"))
        embedded = TTFont(io.BytesIO(package.read(font_file)))
    cmap = embedded.getBestCmap()
    for character in "欧阳建国京注册证书聘用企业有效期□":
        assert ord(character) in cmap, character


def test_the_qr_code_and_the_seal_are_images_of_the_page(parsed):
    images = parsed["images"]
    assert sorted(v["suffix"] for v in images.values()) == ["png", "png"]
    assert all(v["imgb64"] for v in images.values())
    page = next(iter(parsed["page_info"].values()))
    assert len(page["img_list"]) == 2


def test_glyph_advances_are_given_so_readers_place_each_character(parsed):
    title = next(
        t
        for page in parsed["page_info"].values()
        for t in page["text_list"]
        if t["text"] == "中华人民共和国一级建造师注册证书"
    )
    assert len(title["DeltaX"].split()) == len(title["text"]) - 1


def test_the_package_declares_its_parts(ofd_bytes):
    with zipfile.ZipFile(io.BytesIO(ofd_bytes)) as package:
        root = package.read("OFD.xml").decode("utf-8")
        assert 'xmlns:ofd="http://www.ofdspec.org/2016"' in root and "<ofd:DocRoot>Doc_0/Document.xml" in root
        assert package.read("Doc_0/Attachs/certificate-signature.json") == b'{"payload": "x"}'
