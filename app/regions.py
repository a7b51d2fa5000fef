"""The provinces (and province-level municipalities and regions): one vocabulary for the whole portal.

Each is known by the first two digits of an administrative region code (also
characters 3–4 of a 统一社会信用代码), its name as the registers store it in their
``province`` columns, the one character that starts a registration number
(京1 11 ...), and an English label.
"""

from flask_babel import lazy_gettext as _l

# (region code, stored name, registration-number character, label), in code order.
_PROVINCES = (
    ("11", "北京市", "京", _l("Beijing")),
    ("12", "天津市", "津", _l("Tianjin")),
    ("13", "河北省", "冀", _l("Hebei")),
    ("14", "山西省", "晋", _l("Shanxi")),
    ("15", "内蒙古自治区", "蒙", _l("Inner Mongolia")),
    ("21", "辽宁省", "辽", _l("Liaoning")),
    ("22", "吉林省", "吉", _l("Jilin")),
    ("23", "黑龙江省", "黑", _l("Heilongjiang")),
    ("31", "上海市", "沪", _l("Shanghai")),
    ("32", "江苏省", "苏", _l("Jiangsu")),
    ("33", "浙江省", "浙", _l("Zhejiang")),
    ("34", "安徽省", "皖", _l("Anhui")),
    ("35", "福建省", "闽", _l("Fujian")),
    ("36", "江西省", "赣", _l("Jiangxi")),
    ("37", "山东省", "鲁", _l("Shandong")),
    ("41", "河南省", "豫", _l("Henan")),
    ("42", "湖北省", "鄂", _l("Hubei")),
    ("43", "湖南省", "湘", _l("Hunan")),
    ("44", "广东省", "粤", _l("Guangdong")),
    ("45", "广西壮族自治区", "桂", _l("Guangxi")),
    ("46", "海南省", "琼", _l("Hainan")),
    ("50", "重庆市", "渝", _l("Chongqing")),
    ("51", "四川省", "川", _l("Sichuan")),
    ("52", "贵州省", "贵", _l("Guizhou")),
    ("53", "云南省", "云", _l("Yunnan")),
    ("54", "西藏自治区", "藏", _l("Tibet")),
    ("61", "陕西省", "陕", _l("Shaanxi")),
    ("62", "甘肃省", "甘", _l("Gansu")),
    ("63", "青海省", "青", _l("Qinghai")),
    ("64", "宁夏回族自治区", "宁", _l("Ningxia")),
    ("65", "新疆维吾尔自治区", "新", _l("Xinjiang")),
)

PROVINCE_NAMES = {code: name for code, name, _character, _label in _PROVINCES}  # "11" -> "北京市"
PROVINCES = tuple(PROVINCE_NAMES.values())  # the stored names, in code order
PROVINCE_LABELS = {name: label for _code, name, _character, label in _PROVINCES}  # "北京市" -> Beijing
PROVINCE_CHARACTERS = {code: character for code, _name, character, _label in _PROVINCES}  # "11" -> "京"
PROVINCE_OF_CHARACTER = {character: code for code, character in PROVINCE_CHARACTERS.items()}  # "京" -> "11"
# Codes an identity number may start with: the provinces above, and 台湾 (71), 香港 (81), 澳门 (82) and
# the residence permits of Hong Kong, Macao and Taiwan residents (83).
IDENTITY_PROVINCE_CODES = frozenset(PROVINCE_NAMES) | {"71", "81", "82", "83"}


def province_of(employer_uscc: str | None, registration_number: str | None = None) -> str:
    """The province of a registration: its employer's (USCC characters 3-4), else its number's first character."""
    code = (employer_uscc or "")[2:4]
    if code in PROVINCE_NAMES:
        return PROVINCE_NAMES[code]
    return PROVINCE_NAMES.get(PROVINCE_OF_CHARACTER.get((registration_number or "")[:1], ""), "")
