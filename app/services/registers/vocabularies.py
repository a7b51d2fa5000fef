"""The registers' vocabularies: stored values (Chinese, as in the registers) -> translated labels."""

from flask_babel import lazy_gettext as _l

from app.regions import PROVINCE_LABELS, PROVINCES

__all__ = [
    "ENTERPRISE_KINDS",
    "GRADES_BY_KIND",
    "GRADE_LABELS",
    "PROVINCES",
    "PROVINCE_LABELS",
    "QUALIFICATIONS_BY_KIND",
    "QUALIFICATION_LABELS",
    "REGISTRATION_STATUS_LABELS",
    "SPECIALTIES",
    "SPECIALTIES_BY_QUALIFICATION",
    "SPECIALTY_LABELS",
    "label",
]

ENTERPRISE_KINDS = {
    "建筑业企业": _l("Construction enterprises"),
    "房地产开发企业": _l("Real estate development enterprises"),
    "工程监理企业": _l("Project supervision enterprises"),
    "工程勘察设计企业": _l("Engineering survey and design enterprises"),
    "工程造价咨询企业": _l("Construction cost consulting enterprises"),
}

QUALIFICATION_LABELS = {
    "建筑工程施工总承包": _l("General contracting: building works"),
    "市政公用工程施工总承包": _l("General contracting: municipal public works"),
    "公路工程施工总承包": _l("General contracting: highway works"),
    "机电工程施工总承包": _l("General contracting: mechanical and electrical works"),
    "水利水电工程施工总承包": _l("General contracting: water conservancy and hydropower works"),
    "地基基础工程专业承包": _l("Specialised contracting: foundation works"),
    "建筑装修装饰工程专业承包": _l("Specialised contracting: building decoration works"),
    "钢结构工程专业承包": _l("Specialised contracting: steel structure works"),
    "施工劳务": _l("Construction labour services"),
    "房地产开发": _l("Real estate development"),
    "工程监理综合资质": _l("Comprehensive project supervision"),
    "房屋建筑工程监理": _l("Supervision: building works"),
    "市政公用工程监理": _l("Supervision: municipal public works"),
    "公路工程监理": _l("Supervision: highway works"),
    "工程勘察综合资质": _l("Comprehensive engineering survey"),
    "工程勘察专业类（岩土工程）": _l("Engineering survey: geotechnical engineering"),
    "工程设计综合资质": _l("Comprehensive engineering design"),
    "建筑行业（建筑工程）设计": _l("Design: building industry (building works)"),
    "市政行业设计": _l("Design: municipal industry"),
    "工程造价咨询": _l("Construction cost consulting"),
}

QUALIFICATIONS_BY_KIND = {
    "建筑业企业": (
        "建筑工程施工总承包",
        "市政公用工程施工总承包",
        "公路工程施工总承包",
        "机电工程施工总承包",
        "水利水电工程施工总承包",
        "地基基础工程专业承包",
        "建筑装修装饰工程专业承包",
        "钢结构工程专业承包",
        "施工劳务",
    ),
    "房地产开发企业": ("房地产开发",),
    "工程监理企业": ("工程监理综合资质", "房屋建筑工程监理", "市政公用工程监理", "公路工程监理"),
    "工程勘察设计企业": (
        "工程勘察综合资质",
        "工程勘察专业类（岩土工程）",
        "工程设计综合资质",
        "建筑行业（建筑工程）设计",
        "市政行业设计",
    ),
    "工程造价咨询企业": ("工程造价咨询",),
}

GRADE_LABELS = {
    "特级": _l("Special grade"),
    "一级": _l("Grade 1"),
    "二级": _l("Grade 2"),
    "三级": _l("Grade 3"),
    "综合": _l("Comprehensive grade"),
    "甲级": _l("Class A"),
    "乙级": _l("Class B"),
    "丙级": _l("Class C"),
    "不分等级": _l("Not graded"),
}

GRADES_BY_KIND = {
    "建筑业企业": ("特级", "一级", "二级", "三级", "不分等级"),
    "房地产开发企业": ("一级", "二级"),
    "工程监理企业": ("综合", "甲级", "乙级", "丙级"),
    "工程勘察设计企业": ("综合", "甲级", "乙级", "丙级"),
    "工程造价咨询企业": ("甲级", "乙级"),
}

SPECIALTY_LABELS = {
    "建筑工程": _l("Building works"),
    "公路工程": _l("Highway works"),
    "铁路工程": _l("Railway works"),
    "民航机场工程": _l("Civil airport works"),
    "港口与航道工程": _l("Port and waterway works"),
    "水利水电工程": _l("Water conservancy and hydropower works"),
    "矿业工程": _l("Mining works"),
    "机电工程": _l("Mechanical and electrical works"),
    "市政公用工程": _l("Municipal public works"),
    "通信与广电工程": _l("Communications and broadcasting works"),
    "建筑": _l("Architecture"),
}
SPECIALTIES_BY_QUALIFICATION = {
    "constructor_1": (
        "建筑工程",
        "公路工程",
        "铁路工程",
        "民航机场工程",
        "港口与航道工程",
        "水利水电工程",
        "矿业工程",
        "机电工程",
        "市政公用工程",
        "通信与广电工程",
    ),
    "architect_1": ("建筑",),
}
SPECIALTIES = tuple(dict.fromkeys(s for group in SPECIALTIES_BY_QUALIFICATION.values() for s in group))

REGISTRATION_STATUS_LABELS = {
    "valid": _l("Valid"),
    "expired": _l("Expired"),
    "cancelled": _l("Cancelled"),
}


def label(vocabulary: dict, value: str):
    """The translated label of a stored value (the value itself when it is not in the vocabulary)."""
    return vocabulary.get(value, value)


def translated_labels():
    """``label`` that translates each (vocabulary, value) once: for one request's results page, where the same
    few labels repeat on every row (a lazy label is looked up again each time it is shown)."""
    seen: dict = {}

    def translate(vocabulary: dict, value: str) -> str:
        key = (id(vocabulary), value)
        text = seen.get(key)
        if text is None:
            text = seen[key] = str(label(vocabulary, value))
        return text

    return translate
