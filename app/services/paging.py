"""One page of a list: only previous / next are known, never the total (no list counts its table)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    items: Sequence
    page: int
    per_page: int
    has_next: bool

    @classmethod
    def of(cls, rows: Sequence, page: int, per_page: int, convert: Callable | None = None) -> "Page":
        """The page from ``per_page + 1`` fetched rows (the extra one only tells that a next page exists)."""
        shown = rows[:per_page]
        items = tuple(convert(row) for row in shown) if convert else tuple(shown)
        return cls(items, page, per_page, len(rows) > per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def first_number(self) -> int:
        """The row number (1-based) of the first item, for the 序号 column."""
        return (self.page - 1) * self.per_page + 1
