"""The identity documents and legal-entity types the portal accepts, and their labels."""

import enum

from flask_babel import lazy_gettext as _l


class DocumentType(str, enum.Enum):
    RESIDENT_ID = "resident_id"  # 居民身份证
    PASSPORT = "passport"  # 普通护照
    TAIWAN_PERMIT = "taiwan_permit"  # 台湾居民来往大陆通行证
    HK_MACAO_PERMIT = "hk_macao_permit"  # 港澳居民来往内地通行证
    FOREIGN_PERMANENT_ID = "foreign_permanent_id"  # 外国人永久居留身份证

    def __str__(self) -> str:
        return self.value

    @property
    def label(self):
        return DOCUMENT_TYPE_LABELS[self]


class LegalEntityType(str, enum.Enum):
    ENTERPRISE = "enterprise"  # 企业法人
    SOCIAL_ORGANIZATION = "social_organization"  # 社团法人
    PUBLIC_INSTITUTION = "public_institution"  # 机关事业单位法人
    INDIVIDUAL_BUSINESS = "individual_business"  # 个体工商户
    PARTNERSHIP = "partnership"  # 普通合伙企业

    def __str__(self) -> str:
        return self.value

    @property
    def label(self):
        return LEGAL_ENTITY_TYPE_LABELS[self]


DOCUMENT_TYPE_LABELS = {
    DocumentType.RESIDENT_ID: _l("Resident identity card"),
    DocumentType.PASSPORT: _l("Ordinary passport"),
    DocumentType.TAIWAN_PERMIT: _l("Mainland Travel Permit for Taiwan Residents"),
    DocumentType.HK_MACAO_PERMIT: _l("Mainland Travel Permit for Hong Kong and Macao Residents"),
    DocumentType.FOREIGN_PERMANENT_ID: _l("Foreigner's Permanent Residence ID Card"),
}

# What an account's number is called on a page (a passport number is not a 身份证号码).
DOCUMENT_NUMBER_LABELS = {
    DocumentType.RESIDENT_ID: _l("Identity card number"),
    DocumentType.PASSPORT: _l("Passport number"),
    DocumentType.TAIWAN_PERMIT: _l("Number of the Mainland Travel Permit for Taiwan Residents"),
    DocumentType.HK_MACAO_PERMIT: _l("Number of the Mainland Travel Permit for Hong Kong and Macao Residents"),
    DocumentType.FOREIGN_PERMANENT_ID: _l("Number of the Foreigner's Permanent Residence ID Card"),
}

LEGAL_ENTITY_TYPE_LABELS = {
    LegalEntityType.ENTERPRISE: _l("Enterprise legal person"),
    LegalEntityType.SOCIAL_ORGANIZATION: _l("Social organisation legal person"),
    LegalEntityType.PUBLIC_INSTITUTION: _l("Government agency or public institution legal person"),
    LegalEntityType.INDIVIDUAL_BUSINESS: _l("Individual business"),
    LegalEntityType.PARTNERSHIP: _l("General partnership"),
}

#: Every msgid used in this module -> its Chinese translation (for the catalogue).
CHINESE_LABELS_FOR_TRANSLATORS = {
    # document types
    "Resident identity card": "居民身份证",
    "Ordinary passport": "普通护照",
    "Mainland Travel Permit for Taiwan Residents": "台湾居民来往大陆通行证",
    "Mainland Travel Permit for Hong Kong and Macao Residents": "港澳居民来往内地通行证",
    "Foreigner's Permanent Residence ID Card": "外国人永久居留身份证",
    # what each document's number is called
    "Identity card number": "身份证号码",
    "Passport number": "护照号码",
    "Number of the Mainland Travel Permit for Taiwan Residents": "台湾居民来往大陆通行证号码",
    "Number of the Mainland Travel Permit for Hong Kong and Macao Residents": "港澳居民来往内地通行证号码",
    "Number of the Foreigner's Permanent Residence ID Card": "外国人永久居留身份证号码",
    # legal-entity types
    "Enterprise legal person": "企业法人",
    "Social organisation legal person": "社团法人",
    "Government agency or public institution legal person": "机关事业单位法人",
    "Individual business": "个体工商户",
    "General partnership": "普通合伙企业",
    # general
    "The number is not valid": "号码无效",
    "Please enter the number": "请输入号码",
    "The number must not contain spaces": "号码中间不能有空格",
    "Unknown document type": "未知的证件类型",
    "The check digit is wrong": "校验位错误",
    # resident identity card
    "The old 15-digit identity card is no longer accepted; enter your 18-digit number": "15位旧版身份证已停止使用，请填写18位身份证号码",
    "A resident identity card number has 18 characters": "居民身份证号码应为18位",
    "Only digits are allowed, with X as the last character": "只能填写数字，最后一位可以是X",
    "Numbers starting with 9 belong to the foreigner's permanent residence ID card; "
    "choose that document type": "以9开头的号码属于外国人永久居留身份证，请选择该证件类型",
    "Unknown province code (first two digits)": "前两位省份代码不存在",
    "The birth date in the number is not a real date": "号码中的出生日期不存在",
    "The birth date in the number is in the future": "号码中的出生日期晚于今天",
    "The birth date in the number means an age over 150": "号码中的出生日期表明年龄超过150岁",
    # foreigner's permanent residence ID card
    "A foreigner's permanent residence ID number has 18 characters (2023 edition) "
    "or 15 characters (2017 edition)": "外国人永久居留身份证号码应为18位（2023版）或15位（2017版）",
    "An 18-character foreigner's permanent residence ID number starts with 9; "
    "this looks like a resident identity card number": "18位外国人永久居留身份证号码以9开头，该号码像是居民身份证号码",
    "A 2017-edition number is 3 Latin letters followed by 12 digits": "2017版号码应为3位英文字母加12位数字",
    # Hong Kong and Macao permit
    "The permit number is H or M followed by 8 digits (some cards print 2 more digits)": "通行证号码应为H或M加8位数字（部分证件后面还有2位数字）",
    "The number must start with H (Hong Kong) or M (Macao)": "号码应以H（香港）或M（澳门）开头",
    "Only digits are allowed after the first letter": "首字母之后只能是数字",
    # Taiwan permit
    "The permit number has 8 digits (older booklets: 8 digits plus 1 or 2 characters)": "通行证号码应为8位数字（旧版本式证件为8位数字加1至2位字符）",
    "The first 8 characters must be digits, followed only by letters or digits": "前8位必须是数字，之后只能是字母或数字",
    # passports
    "A Chinese passport number is E or G followed by 8 digits, or E, a letter and 7 digits": "中国护照号码应为E或G加8位数字，或E加1位字母再加7位数字",
    "Not a valid Chinese passport number (E or G + 8 digits, or E + letter + 7 digits); "
    "for a foreign passport, also enter the issuing country": "不是有效的中国护照号码（E或G加8位数字，或E加1位字母再加7位数字）；如为外国护照，请同时填写签发国家",
    "The letter after E cannot be I or O": "E后面的字母不能是I或O",
    "A foreign passport number has 5 to 17 letters and digits": "外国护照号码应为5至17位字母或数字",
    "Only Latin letters and digits are allowed": "只能填写英文字母和数字",
    # consistency
    "The birth date does not match the document number": "出生日期与证件号码不一致",
    "The gender does not match the document number": "性别与证件号码不一致",
    # validity period
    "The start of validity cannot be in the future": "有效期起始日期不能晚于今天",
    "The end of validity is before its start": "有效期截止日期早于起始日期",
    "The document has expired": "证件已过期",
    # unified social credit code
    "A unified social credit code has 18 characters": "统一社会信用代码应为18位",
    "Invalid character %(char)s: only digits and capital letters other than I, O, Z, S "
    "and V are allowed": "无效字符%(char)s：只能使用数字和除I、O、Z、S、V以外的大写字母",
    "Characters 3 to 8 (the region code) must be digits": "第3至8位（行政区划码）必须是数字",
    "Unknown registration authority and organisation type (first two characters)": "登记管理部门码和机构类别码（前两位）不存在",
    "Codes starting with 92 belong to individual businesses": "以92开头的代码属于个体工商户",
    "The code of an individual business starts with 92": "个体工商户的代码以92开头",
    "Codes starting with 51, 52, 53 or 59 belong to social organisations": "以51、52、53、59开头的代码属于社团法人",
    "Codes starting with 11, 12, 13 or 19 belong to government agencies and public institutions": "以11、12、13、19开头的代码属于机关事业单位法人",
    # mobile phone
    "Enter an 11-digit mainland mobile number starting with 13 to 19": "请填写以13至19开头的11位大陆手机号码",
}
