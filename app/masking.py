"""Masking of identity numbers, phone numbers and names on every screen (below the models, which use it).

Identity cards and permanent-residence cards show their first and last four
characters, other documents two; phones ``138****5678``; a name its surname.
"""

COMPOUND_SURNAMES = frozenset(
    """欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕
    端木 独孤 南宫 西门 百里 呼延 闻人 万俟 司空 澹台 公冶 赫连 拓跋 钟离""".split()
)

#: Document types whose numbers keep four characters at each end (18-character numbers).
_LONG_NUMBER_TYPES = frozenset({"resident_id", "foreign_permanent_id"})


def _mask_middle(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def mask_document(doc_type: str | None, number: str | None) -> str:
    """Identity cards: first 4 and last 4 visible; passports and permits: first 2 and last 2."""
    value = (number or "").strip().upper()
    if str(getattr(doc_type, "value", doc_type)) in _LONG_NUMBER_TYPES:
        return _mask_middle(value, 4, 4)
    return _mask_middle(value, 2, 2)


def mask_phone(number: str | None) -> str:
    """``13812345678`` -> ``138****5678``."""
    return _mask_middle((number or "").strip(), 3, 4)


def mask_uscc(code: str | None) -> str:
    """First 4 and last 4 characters visible."""
    return _mask_middle((code or "").strip().upper(), 4, 4)


def mask_name(name: str | None) -> str:
    """Surname plus one ``*`` per remaining character: 张三 -> 张*, 欧阳娜娜 -> 欧阳**."""
    value = (name or "").strip()
    if len(value) <= 1:
        return value
    surname_len = 2 if len(value) > 2 and value[:2] in COMPOUND_SURNAMES else 1
    return value[:surname_len] + "*" * (len(value) - surname_len)
