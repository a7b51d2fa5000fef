"""Demonstration registers for the 热门服务 queries: enterprises with their 资质, registered persons.

About thirty enterprises across the five kinds and several provinces, and about
sixty registered persons (一级建造师 in five specialties, 一级注册建筑师). Names,
identity numbers (checksum-valid, generated) and codes come from a fixed seed,
so that every installation shows the same register; validity dates are relative
to today so that the register looks current. Every name carries "示范": none is
a real enterprise. The enterprises and persons named in the demonstration
notices (demo_articles) are among them.

``seed_demo_registers`` adds only what is missing (idempotent); the caller commits.
"""

import datetime
import random

from app import clock
from app.extensions import db
from app.models import EnterpriseQualification, PersonRegistration, RegisteredSpecialty
from app.regions import PROVINCE_CHARACTERS, PROVINCE_NAMES
from app.services.accounts.identity_documents import USCC_ALPHABET, make_resident_id, make_uscc
from app.services.cases import handling as case_handling

SEED = 20260301

# (province code, region code of the city district)
CITIES = (
    ("11", "110105"),
    ("31", "310104"),
    ("44", "440106"),
    ("33", "330106"),
    ("32", "320102"),
    ("51", "510107"),
    ("42", "420106"),
    ("37", "370102"),
    ("61", "610113"),
    ("50", "500103"),
)

# (name, kind, ((qualification, grade, expired?), ...), city index)
DEMO_ENTERPRISES = (
    (
        "青山示范建工集团有限公司",
        "建筑业企业",
        (("建筑工程施工总承包", "特级", False), ("市政公用工程施工总承包", "一级", False)),
        0,
    ),
    (
        "华岳示范建设工程有限公司",
        "建筑业企业",
        (("建筑工程施工总承包", "一级", False), ("机电工程施工总承包", "二级", False)),
        3,
    ),
    ("南岭示范水利水电工程有限公司", "建筑业企业", (("水利水电工程施工总承包", "一级", False),), 2),
    (
        "江北示范路桥集团有限公司",
        "建筑业企业",
        (("公路工程施工总承包", "一级", False), ("市政公用工程施工总承包", "二级", False)),
        5,
    ),
    ("东川示范市政建设有限公司", "建筑业企业", (("市政公用工程施工总承包", "一级", False),), 1),
    (
        "西溪示范建筑安装有限公司",
        "建筑业企业",
        (("建筑工程施工总承包", "二级", True), ("机电工程施工总承包", "二级", False)),
        3,
    ),
    (
        "宏远示范建设集团有限公司",
        "建筑业企业",
        (("建筑工程施工总承包", "特级", False), ("公路工程施工总承包", "二级", False)),
        6,
    ),
    (
        "中恒示范建筑工程有限公司",
        "建筑业企业",
        (("建筑工程施工总承包", "三级", False), ("地基基础工程专业承包", "二级", False)),
        4,
    ),
    ("泰和示范装饰工程有限公司", "建筑业企业", (("建筑装修装饰工程专业承包", "一级", False),), 7),
    ("鼎盛示范钢结构有限公司", "建筑业企业", (("钢结构工程专业承包", "一级", False),), 8),
    ("通达示范建筑劳务有限公司", "建筑业企业", (("施工劳务", "不分等级", False),), 9),
    ("安和示范置业有限公司", "房地产开发企业", (("房地产开发", "一级", False),), 0),
    ("明湖示范房地产开发有限公司", "房地产开发企业", (("房地产开发", "一级", False),), 6),
    ("锦程示范置业有限公司", "房地产开发企业", (("房地产开发", "二级", False),), 2),
    ("嘉禾示范房地产开发有限公司", "房地产开发企业", (("房地产开发", "二级", True),), 7),
    ("瑞丰示范地产有限公司", "房地产开发企业", (("房地产开发", "一级", False),), 4),
    ("北辰示范工程咨询有限公司", "工程监理企业", (("工程监理综合资质", "综合", False),), 0),
    ("临江示范建设监理有限公司", "工程监理企业", (("房屋建筑工程监理", "甲级", False),), 3),
    ("远山示范项目管理有限公司", "工程监理企业", (("市政公用工程监理", "乙级", False),), 1),
    (
        "恒信示范工程监理有限公司",
        "工程监理企业",
        (("房屋建筑工程监理", "乙级", False), ("公路工程监理", "丙级", False)),
        5,
    ),
    ("正元示范建设管理有限公司", "工程监理企业", (("公路工程监理", "甲级", False),), 8),
    ("北原示范建筑设计研究院有限公司", "工程勘察设计企业", (("建筑行业（建筑工程）设计", "甲级", False),), 0),
    (
        "海湾示范城市规划设计有限公司",
        "工程勘察设计企业",
        (("市政行业设计", "乙级", False), ("建筑行业（建筑工程）设计", "乙级", False)),
        2,
    ),
    (
        "方圆示范勘察设计研究院有限公司",
        "工程勘察设计企业",
        (("工程勘察综合资质", "综合", False), ("工程设计综合资质", "综合", False)),
        4,
    ),
    ("博远示范岩土工程有限公司", "工程勘察设计企业", (("工程勘察专业类（岩土工程）", "甲级", False),), 6),
    ("华章示范建筑设计有限公司", "工程勘察设计企业", (("建筑行业（建筑工程）设计", "乙级", False),), 1),
    ("万方示范工程造价咨询有限公司", "工程造价咨询企业", (("工程造价咨询", "甲级", False),), 0),
    ("信诚示范造价师事务所有限公司", "工程造价咨询企业", (("工程造价咨询", "乙级", False),), 5),
    ("汇通示范工程咨询有限公司", "工程造价咨询企业", (("工程造价咨询", "甲级", False),), 9),
    ("景程示范造价咨询有限公司", "工程造价咨询企业", (("工程造价咨询", "乙级", False),), 7),
)

# Certificate-number letter of each kind (D: 建筑业, E: 监理, A: 勘察设计 ...).
CERTIFICATE_LETTERS = {
    "建筑业企业": "D",
    "房地产开发企业": "F",
    "工程监理企业": "E",
    "工程勘察设计企业": "A",
    "工程造价咨询企业": "G",
}

CONSTRUCTOR_SPECIALTIES = ("建筑工程", "市政公用工程", "机电工程", "公路工程", "水利水电工程")
# Specialties an enterprise's constructors usually hold, by its first qualification.
SPECIALTIES_FOR = {
    "建筑工程施工总承包": ("建筑工程", "机电工程"),
    "市政公用工程施工总承包": ("市政公用工程", "公路工程"),
    "公路工程施工总承包": ("公路工程", "市政公用工程"),
    "机电工程施工总承包": ("机电工程", "建筑工程"),
    "水利水电工程施工总承包": ("水利水电工程", "机电工程"),
}

# Persons named in the demonstration notices: (name, male?, employer, qualification, specialty).
NAMED_PERSONS = (
    ("陈立新", True, "华岳示范建设工程有限公司", "constructor_1", "建筑工程"),
    ("林书航", True, "江北示范路桥集团有限公司", "constructor_1", "公路工程"),
    ("王雅琴", False, "华岳示范建设工程有限公司", "constructor_1", "机电工程"),
    ("赵明远", True, "东川示范市政建设有限公司", "constructor_1", "市政公用工程"),
    ("周文博", True, "北原示范建筑设计研究院有限公司", "architect_1", "建筑"),
    ("吴佳怡", False, "海湾示范城市规划设计有限公司", "architect_1", "建筑"),
    ("郑凯", True, "北原示范建筑设计研究院有限公司", "architect_1", "建筑"),
)
CONSTRUCTORS = 50
ARCHITECTS = 10

COMMON_SURNAMES = "王李张刘陈杨黄赵吴周"  # about 30 % of the population: drawn more often
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛")
GIVEN_MALE = "建国志强伟军磊涛斌鹏宇浩明华俊峰刚勇毅博振天云海东平永忠德光荣辉杰兵立新文武成松柏林川"
GIVEN_FEMALE = "秀英丽静敏燕婷雪慧琳欣佳芳娜霞红梅兰玉洁晓雅琴颖萍丹倩雯璐莹月"


def make_registration_number(
    province_code: str, level: int, qualification_year: int, first_registration_year: int, serial: int
) -> str:
    """注册建造师注册编号: province character + level + province code + the last two digits of the
    qualification year and of the first-registration year + a 5-digit serial:
    ``make_registration_number("11", 1, 2012, 2020, 123)`` → ``京111122000123``."""
    return case_handling.make_registration_number(
        province_code, level, qualification_year, first_registration_year, serial
    )


def make_architect_registration_number(province_code: str, first_registration_year: int, serial: int) -> str:
    """一级注册建筑师注册编号 as the register shows it: province character + 一注建 + year + serial."""
    character = PROVINCE_CHARACTERS.get(province_code, "京")
    return f"{character}一注建{first_registration_year}{serial:06d}"


def _org_code(rng: random.Random) -> str:
    """Nine characters of an organisation code (the USCC alphabet, as issued since 2015: MA + 7)."""
    return "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(7))


def _person_name(rng: random.Random, male: bool) -> str:
    draw = rng.random()
    if draw < 0.03:
        surname = rng.choice(COMPOUND_SURNAMES)
    elif draw < 0.45:
        surname = rng.choice(COMMON_SURNAMES)
    else:
        surname = rng.choice(SURNAMES)
    pool = GIVEN_MALE if male else GIVEN_FEMALE
    given = "".join(rng.choice(pool) for _ in range(1 if rng.random() < 0.3 else 2))
    return surname + given


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def build_enterprises(today: datetime.date) -> list[dict]:
    """The enterprise qualification rows (plain dicts), the same on every call for a given day."""
    rng = random.Random(SEED)
    rows = []
    serial = 50000
    for name, kind, qualifications, city in DEMO_ENTERPRISES:
        province_code, region = CITIES[city]
        uscc = make_uscc("91" + region + _org_code(rng))
        for qualification, grade, expired in qualifications:
            serial += 7
            if expired:
                valid_to = today - datetime.timedelta(days=rng.randint(30, 300))
            else:
                valid_to = today + datetime.timedelta(days=rng.randint(120, 1700))
            rows.append(
                {
                    "enterprise_name": name,
                    "uscc": uscc,
                    "kind": kind,
                    "qualification": qualification,
                    "grade": grade,
                    "certificate_number": f"{CERTIFICATE_LETTERS[kind]}{province_code}{serial:07d}",
                    "province": PROVINCE_NAMES[province_code],
                    "valid_from": _years_after(valid_to, -5),
                    "valid_to": valid_to,
                }
            )
    return rows


def build_people(enterprises: list[dict], today: datetime.date) -> list[dict]:
    """The registrations (plain dicts with their specialties), deterministic for a given day."""
    rng = random.Random(SEED + 1)
    by_name = {}
    for row in enterprises:
        by_name.setdefault(row["enterprise_name"], row)
    builders = [
        row
        for row in by_name.values()
        if row["kind"] == "建筑业企业" and row["qualification"] in SPECIALTIES_FOR and row["valid_to"] >= today
    ]
    designers = [row for row in by_name.values() if row["kind"] == "工程勘察设计企业"]
    plan = [
        (name, male, by_name[employer], qualification, specialty)
        for name, male, employer, qualification, specialty in NAMED_PERSONS
    ]
    constructors = CONSTRUCTORS - sum(1 for p in NAMED_PERSONS if p[3] == "constructor_1")
    architects = ARCHITECTS - sum(1 for p in NAMED_PERSONS if p[3] == "architect_1")
    for _ in range(constructors):
        employer = rng.choice(builders)
        plan.append(
            (
                None,
                rng.random() < 0.75,
                employer,
                "constructor_1",
                rng.choice(SPECIALTIES_FOR[employer["qualification"]]),
            )
        )
    for _ in range(architects):
        plan.append((None, rng.random() < 0.6, rng.choice(designers), "architect_1", "建筑"))

    people = []
    used_ids = set()
    serial = 60000
    for index, (name, male, employer, qualification, specialty) in enumerate(plan):
        name = name or _person_name(rng, male)
        region = employer["uscc"][2:8]
        province_code = region[:2]
        birth = datetime.date(rng.randint(1965, 1993), rng.randint(1, 12), rng.randint(1, 28))
        while True:
            seq = rng.randrange(1, 999, 2) if male else rng.randrange(2, 999, 2)
            document = make_resident_id(region, birth, seq)
            if document not in used_ids:
                used_ids.add(document)
                break
        # Fixed years (not today's): the numbers, and so idempotence, do not depend on the day.
        qualification_year = min(max(birth.year + 26, 2006) + rng.randint(0, 6), 2022)
        first_year = min(qualification_year + rng.randint(0, 2), 2023)
        serial += 1
        if qualification == "constructor_1":
            number = make_registration_number(province_code, 1, qualification_year, first_year, serial)
        else:
            number = make_architect_registration_number(province_code, first_year, serial)
        valid_from = today - datetime.timedelta(days=rng.randint(20, 1000))
        valid_to = _years_after(valid_from, 3)
        status = "valid"
        if index == len(plan) - 3:  # one registration expired, one cancelled: the register has both
            valid_from = _years_after(today, -4)
            valid_to = _years_after(valid_from, 3)
        if index == len(plan) - 2:
            status = "cancelled"
        specialties = [specialty]
        if qualification == "constructor_1" and rng.random() < 0.35:
            other = rng.choice([s for s in CONSTRUCTOR_SPECIALTIES if s != specialty])
            specialties.append(other)
        people.append(
            {
                "holder_name": name,
                "holder_document_type": "resident_id",
                "holder_document_number": document,
                "qualification": qualification,
                "registration_number": number,
                "employer_name": employer["enterprise_name"],
                "employer_uscc": employer["uscc"],
                "province": employer["province"],
                "valid_from": valid_from,
                "valid_to": valid_to,
                "status": status,
                "specialties": specialties,
            }
        )
    return people


def seed_demo_registers() -> int:
    """Add the demonstration enterprises and registered persons that are missing; the caller commits.

    Returns how many rows (enterprise qualifications and person registrations) were added.
    """
    today = clock.today()
    enterprises = build_enterprises(today)
    people = build_people(enterprises, today)
    known_certificates = {
        number
        for (number,) in db.session.query(EnterpriseQualification.certificate_number).filter(
            EnterpriseQualification.certificate_number.in_([row["certificate_number"] for row in enterprises])
        )
    }
    known_registrations = {
        number
        for (number,) in db.session.query(PersonRegistration.registration_number).filter(
            PersonRegistration.registration_number.in_([row["registration_number"] for row in people])
        )
    }
    created = 0
    for row in enterprises:
        if row["certificate_number"] not in known_certificates:
            db.session.add(EnterpriseQualification(**row))
            created += 1
    for row in people:
        if row["registration_number"] in known_registrations:
            continue
        row = dict(row)
        specialties = row.pop("specialties")
        registration = PersonRegistration(**row)
        for specialty in specialties:
            registration.specialties.append(RegisteredSpecialty(specialty=specialty, valid_to=row["valid_to"]))
        db.session.add(registration)
        created += 1
    db.session.flush()
    return created
