"""Where every word and picture of an electronic certificate goes on the A4 page.

One layout, in millimetres, feeds both writers: the PDF template places each
run absolutely and the OFD writer emits one text object per run, so the two
documents look the same. Lines are measured with the bundled font's advance
widths, so centring and wrapping need no renderer.

The certificate's wording is fixed by the issuing authority and is Chinese
whatever language the portal is shown in, so it is written here as it is
printed, not passed through the interface catalogue.
"""

import datetime
from dataclasses import dataclass, field

from app.services.certificates.fonts import glyph_source, printable

PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0
GREY = (190, 190, 190)
INK = (30, 30, 30)
GENDERS = {"M": "男", "F": "女"}
SHORT_TITLES = {
    "constructor_1": "一级建造师注册证书",
    "architect_1": "一级注册建筑师注册证书",
    "construction_enterprise": "建筑业企业资质证书",
    "real_estate_enterprise": "房地产开发企业资质证书",
}


@dataclass
class TextRun:
    x: float  # left edge, mm
    y: float  # top of the line box (line height = size), mm
    size: float  # mm
    text: str
    color: tuple = INK
    angle: float = 0.0  # degrees clockwise, around (x, y)

    @property
    def width(self) -> float:
        return text_width(self.text, self.size)

    @property
    def baseline(self) -> float:
        return self.size * baseline_ratio()

    @property
    def advances(self) -> list[float]:
        source = glyph_source()
        return [source.advance(c) * self.size / source.units_per_em for c in self.text]


@dataclass
class Picture:
    x: float
    y: float
    width: float
    height: float
    name: str  # seal / qr
    png: bytes


@dataclass
class Frame:
    x: float
    y: float
    width: float
    height: float
    line_width: float
    color: tuple


@dataclass
class PageLayout:
    title: str
    runs: list[TextRun] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)
    watermarks: list[TextRun] = field(default_factory=list)

    def all_text(self) -> str:
        return "".join(run.text for run in self.runs + self.watermarks)


def baseline_ratio() -> float:
    """Where the baseline sits in a line box as high as the font size (CSS ``line-height: 1``)."""
    source = glyph_source()
    ascent, descent = source.ascent / source.units_per_em, -source.descent / source.units_per_em
    return (1 + ascent - descent) / 2


def text_width(text: str, size: float) -> float:
    source = glyph_source()
    return sum(source.advance(c) for c in text) * size / source.units_per_em


def wrap(text: str, size: float, max_width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width`` (CJK text breaks between any two characters)."""
    lines, line = [], ""
    for character in text:
        if line and text_width(line + character, size) > max_width:
            lines.append(line)
            line = character
        else:
            line += character
    return lines + [line] if line else lines or [""]


def chinese_date(iso: str) -> str:
    if not iso:
        return ""
    day = datetime.date.fromisoformat(iso)
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


def centred(text: str, y: float, size: float, color=INK) -> TextRun:
    return TextRun(x=(PAGE_WIDTH - text_width(text, size)) / 2, y=y, size=size, text=text, color=color)


def _field_rows(
    page: PageLayout,
    rows: list[tuple[str, str]],
    x_label: float,
    x_value: float,
    y: float,
    value_width: float,
    size: float = 4.2,
    gap: float = 3.4,
) -> float:
    for label, value in rows:
        page.runs.append(TextRun(x=x_label, y=y, size=size, text=label, color=(90, 90, 90)))
        for line in wrap(value, size, value_width):
            page.runs.append(TextRun(x=x_value, y=y, size=size, text=line))
            y += size + 1.2
        y += gap
    return y


def _watermark(page: PageLayout, purpose: str, generated_at: str) -> None:
    text = f"仅用于：{purpose}　生成时间：{generated_at}"
    for y in (112.0, 172.0, 268.0):
        page.watermarks.append(TextRun(x=38.0, y=y, size=5.0, text=text, color=GREY, angle=-25.0))


def _signature_and_notes(page: PageLayout, y: float, qr_label: str) -> None:
    page.runs.append(TextRun(x=28, y=y, size=4.2, text="持证人签名：", color=(90, 90, 90)))
    page.frames.append(Frame(x=55, y=y + 4.6, width=60, height=0.0, line_width=0.3, color=INK))
    notes = [
        "注：本证书打印后须经持证人本人手写签名方为有效。",
        f"　　{qr_label}，可核验本证书的真伪、状态和使用有效期。",
    ]
    for index, note in enumerate(notes):
        page.runs.append(TextRun(x=28, y=y + 12 + index * 5.5, size=3.4, text=note, color=(90, 90, 90)))


def constructor_layout(
    data: dict, endorsement: dict, purpose: str, generated_at: str, qr_png: bytes, seal_png: bytes
) -> PageLayout:
    """一级建造师注册证书: title band, fields on the left, QR code top right, specialties table."""
    blue = (20, 70, 140)
    page = PageLayout(title="中华人民共和国一级建造师注册证书")
    page.frames += [Frame(10, 10, 190, 277, 1.6, blue), Frame(13, 13, 184, 271, 0.4, blue)]
    page.runs.append(centred("中华人民共和国一级建造师注册证书", 26, 8.2, blue))
    page.runs.append(centred("（电子证书）", 37, 4.6, blue))
    page.pictures.append(Picture(158, 52, 30, 30, "qr", qr_png))
    page.runs.append(TextRun(x=160.5, y=83.5, size=3.2, text="扫码核验证书", color=(90, 90, 90)))
    rows = [
        ("姓　　名", data["holder_name"]),
        ("性　　别", GENDERS.get(data["gender"], "")),
        ("出生日期", chinese_date(data["birth_date"])),
        ("身份证件号码", data["document"]),
        ("注册编号", data["registration_number"]),
        ("聘用企业", data["employer"]),
    ]
    y = _field_rows(page, rows, 28, 64, 54, value_width=88)
    page.runs.append(TextRun(x=28, y=y, size=4.2, text="注册专业及有效期", color=(90, 90, 90)))
    y += 7.5
    page.frames.append(Frame(28, y - 2, 154, 0.0, 0.3, blue))
    for specialty, valid_to in data["specialties"]:
        page.runs.append(TextRun(x=32, y=y, size=4.2, text=specialty))
        page.runs.append(TextRun(x=110, y=y, size=4.2, text=f"有效期至 {chinese_date(valid_to)}"))
        y += 7.5
    page.frames.append(Frame(28, y - 2, 154, 0.0, 0.3, blue))
    y += 6
    rows = [
        ("证照编号", data["number"]),
        ("签发日期", chinese_date(data["issued_on"])),
        ("使用有效期", f"{chinese_date(endorsement['valid_from'])} 至 {chinese_date(endorsement['valid_to'])}"),
        ("签发机关", data["authority"]),
    ]
    y = _field_rows(page, rows, 28, 64, y, value_width=118)
    page.pictures.append(Picture(128, y - 30, 40, 40, "seal", seal_png))
    _signature_and_notes(page, max(y + 14, 236), "扫描右上角二维码")
    _watermark(page, purpose, generated_at)
    return page


def architect_layout(
    data: dict, endorsement: dict, purpose: str, generated_at: str, qr_png: bytes, seal_png: bytes
) -> PageLayout:
    """一级注册建筑师注册证书: its own arrangement: centred fields, seal and QR code side by side at the foot."""
    red = (150, 30, 30)
    page = PageLayout(title="中华人民共和国一级注册建筑师注册证书")
    page.frames += [Frame(10, 10, 190, 277, 0.5, red), Frame(12.5, 12.5, 185, 272, 1.4, red)]
    page.runs.append(centred("中华人民共和国", 28, 6.0, red))
    page.runs.append(centred("一级注册建筑师注册证书", 38, 8.2, red))
    page.runs.append(centred("（电子证书）", 50, 4.4, red))
    specialties = "、".join(name for name, _ in data["specialties"] if name)
    rows = [
        ("姓　　名", data["holder_name"]),
        ("性　　别", GENDERS.get(data["gender"], "")),
        ("出生日期", chinese_date(data["birth_date"])),
        ("证件号码", data["document"]),
        ("注 册 号", data["registration_number"]),
        ("聘用单位", data["employer"]),
        ("注册有效期", f"至 {chinese_date(data['registration_valid_to'])}"),
    ]
    if specialties:
        rows.insert(5, ("注册类别", specialties))
    rows += [
        ("证照编号", data["number"]),
        ("签发日期", chinese_date(data["issued_on"])),
        ("使用有效期", f"{chinese_date(endorsement['valid_from'])} 至 {chinese_date(endorsement['valid_to'])}"),
        ("发证机关", data["authority"]),
    ]
    y = _field_rows(page, rows, 40, 78, 68, value_width=95, gap=4.0)
    foot = max(y + 4, 196)
    page.pictures.append(Picture(40, foot, 32, 32, "qr", qr_png))
    page.runs.append(TextRun(x=43, y=foot + 33.5, size=3.2, text="扫码核验证书", color=(90, 90, 90)))
    page.pictures.append(Picture(124, y - 44, 40, 40, "seal", seal_png))  # over 发证机关 and the dates
    _signature_and_notes(page, foot + 44, "扫描左下方二维码")
    _watermark(page, purpose, generated_at)
    return page


def enterprise_layout(
    data: dict, endorsement: dict, purpose: str, generated_at: str, qr_png: bytes, seal_png: bytes
) -> PageLayout:
    """建筑业企业资质证书 / 房地产开发企业资质证书（副本）: the enterprise's particulars, its qualification, the
    copy number."""
    green = (20, 100, 70)
    title = SHORT_TITLES[data["kind"]]
    page = PageLayout(title=title)
    page.frames += [Frame(10, 10, 190, 277, 1.6, green), Frame(13, 13, 184, 271, 0.4, green)]
    page.runs.append(centred(title, 26, 8.2, green))
    page.runs.append(centred(f"（电子证书 副本{data.get('copy', 1)}）", 37, 4.6, green))
    page.pictures.append(Picture(158, 52, 30, 30, "qr", qr_png))
    page.runs.append(TextRun(x=160.5, y=83.5, size=3.2, text="扫码核验证书", color=(90, 90, 90)))
    capital = data.get("registered_capital") or ""
    rows = [
        ("企业名称", data["holder_name"]),
        ("统一社会信用代码", data.get("uscc", "")),
        ("详细地址", data.get("address", "")),
        ("注册资本", f"{capital}万元" if capital else ""),
        ("法定代表人", data.get("legal_rep", "")),
        ("证书编号", data["registration_number"]),
        ("有效期", f"至 {chinese_date(data['registration_valid_to'])}"),
    ]
    y = _field_rows(page, rows, 28, 68, 54, value_width=84)
    page.runs.append(TextRun(x=28, y=y, size=4.2, text="资质类别及等级", color=(90, 90, 90)))
    y += 7.5
    page.frames.append(Frame(28, y - 2, 154, 0.0, 0.3, green))
    for qualification, _valid_to in data["specialties"]:
        page.runs.append(TextRun(x=32, y=y, size=4.2, text=qualification))
        y += 7.5
    page.frames.append(Frame(28, y - 2, 154, 0.0, 0.3, green))
    y += 6
    rows = [
        ("证照编号", data["number"]),
        ("副 本 号", str(data.get("copy", 1))),
        ("签发日期", chinese_date(data["issued_on"])),
        ("使用有效期", f"{chinese_date(endorsement['valid_from'])} 至 {chinese_date(endorsement['valid_to'])}"),
        ("发证机关", data["authority"]),
    ]
    y = _field_rows(page, rows, 28, 68, y, value_width=114)
    page.pictures.append(Picture(128, y - 30, 40, 40, "seal", seal_png))
    notes = [
        "注：本证书由企业留存使用，遗失补办后原证书作废。",
        "　　扫描右上角二维码，可核验本证书的真伪、状态和使用有效期。",
    ]
    for index, note in enumerate(notes):
        page.runs.append(TextRun(x=28, y=max(y + 14, 240) + index * 5.5, size=3.4, text=note, color=(90, 90, 90)))
    _watermark(page, purpose, generated_at)
    return page


LAYOUTS = {
    "constructor_1": constructor_layout,
    "architect_1": architect_layout,
    "construction_enterprise": enterprise_layout,
    "real_estate_enterprise": enterprise_layout,
}


def layout_for(payload: dict, purpose: str, generated_at: str, qr_png: bytes, seal_png: bytes) -> PageLayout:
    data = payload["certificate"]
    page = LAYOUTS[data["kind"]](data, payload["endorsement"], purpose, generated_at, qr_png, seal_png)
    for run in page.runs + page.watermarks:
        run.text = printable(run.text)
    return page
