"""Parsing one exported value: dates, moments, money, percents, booleans, numbers.

These are the careful, one-value-at-a-time parsers. The bulk path
(``workbench.importers.columns``) converts whole columns with pyarrow and calls these
only for the values its fast patterns do not cover, so every value ends up judged by
the same rules. A parser returns the stored value or raises ``BadValue`` with the
reason a consultant reads in the rejects list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "x", "checked", "on", "wahr", "ja", "oui"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "unchecked", "off", "falsch", "nein", "non"})

# Salesforce, sync tools and Excel use "end of time" / "epoch" dates for "not set".
PLACEHOLDER_DAYS = frozenset({(1900, 1, 1), (1899, 12, 30), (1899, 12, 31), (1, 1, 1)})
PLACEHOLDER_FROM_YEAR = 2900
# Values outside reason are rejected with their reason rather than stored: a close date
# in 2500 or 1677 breaks every date computation later, an amount of 1e308 every total.
FIRST_YEAR, LAST_YEAR = 1900, 2200
MAX_AMOUNT = 1e13  # ten trillion in any currency: above any real deal, even in IDR or KRW
MAX_NUMBER = 1e15

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january", "jän", "janv"),
            ("feb", "february", "févr", "fev"),
            ("mar", "march", "mär", "mars"),
            ("apr", "april", "avr"),
            ("may", "mai"),
            ("jun", "june", "juin"),
            ("jul", "july", "juil"),
            ("aug", "august", "août"),
            ("sep", "sept", "september"),
            ("oct", "october", "okt"),
            ("nov", "november"),
            ("dec", "december", "dez", "déc"),
        ]
    )
    for m in names
}


class BadValue(ValueError):  # noqa: N818 - reads as what the value is
    """A value that cannot be read as the field's type; the message is the reason."""


class Placeholder(ValueError):  # noqa: N818
    """A placeholder date such as 9999-12-31: stored as blank, with a note."""


@dataclass(frozen=True)
class DateOrder:
    """How to read d/d/yyyy dates in one file: 'MDY' or 'DMY' ('YMD' reads ISO only)."""

    order: str = "MDY"
    ambiguous: bool = False
    evidence: str = ""


_SLASH = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\b(.*)$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](.*))?$")
_ISO_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:[T ](.*))?$")
_NAMED = re.compile(
    r"^(?:[A-Za-z]+,?\s+)?(?:(\d{1,2})[\s\-.]+([A-Za-zäéû]+)\.?[\s\-,.]+(\d{2,4})|"
    r"([A-Za-zäéû]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}))(.*)$"
)
_TIME = re.compile(
    r"^\s*(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([AaPp]\.?[Mm]\.?)?\s*"
    r"(Z|UTC|GMT|[+\-]\d{2}:?\d{2}|[+\-]\d{2})?\s*$"
)


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        y += 2000 if y < 70 else 1900
    return y


def _make_date(y: int, m: int, d: int, raw: str) -> date:
    try:
        value = date(y, m, d)
    except ValueError:
        raise BadValue(f'"{raw}" is not a date') from None
    if y >= PLACEHOLDER_FROM_YEAR or (y, m, d) in PLACEHOLDER_DAYS:
        raise Placeholder(raw)
    if not FIRST_YEAR <= y <= LAST_YEAR:
        raise BadValue(f'"{raw}" is outside the years {FIRST_YEAR}-{LAST_YEAR}')
    return value


def split_date(raw: str, order: DateOrder) -> tuple[date, str]:
    """Read the date part of ``raw``; return it and the rest of the text (a time, maybe)."""
    s = raw.strip()
    m = _ISO.match(s) or _YMD_SLASH.match(s)
    if m:
        return _make_date(int(m[1]), int(m[2]), int(m[3]), raw), (m[4] or "")
    m = _SLASH.match(s)
    if m:
        a, b, y = int(m[1]), int(m[2]), _year(m[3])
        rest = m[4].lstrip("T ").strip()
        if order.order == "DMY":
            return _make_date(y, b, a, raw), rest
        return _make_date(y, a, b, raw), rest
    m = _ISO_COMPACT.match(s)
    if m:
        return _make_date(int(m[1]), int(m[2]), int(m[3]), raw), ""
    m = _NAMED.match(s)
    if m:
        if m[1]:
            d, mon, y = int(m[1]), m[2], _year(m[3])
        else:
            mon, d, y = m[4], int(m[5]), int(m[6])
        month = MONTHS.get(mon.lower().rstrip("."))
        if month is None:
            raise BadValue(f'"{raw}" is not a date')
        return _make_date(y, month, d, raw), m[7].strip()
    raise BadValue(f'"{raw}" is not a date')


def parse_date(raw: str, order: DateOrder) -> str:
    """A calendar date as 'YYYY-MM-DD' (a time after it is ignored: a date is as written)."""
    return split_date(raw, order)[0].isoformat()


def _parse_time(rest: str, raw: str) -> tuple[int, int, int, timezone | None]:
    m = _TIME.match(rest)
    if not m:
        raise BadValue(f'"{raw}" is not a date and time')
    hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    meridian = (m[5] or "").lower().replace(".", "")
    if meridian:
        if not 1 <= hour <= 12:
            raise BadValue(f'"{raw}" has an hour that does not fit AM/PM')
        hour = hour % 12 + (12 if meridian == "pm" else 0)
    if hour > 23 or minute > 59 or second > 60:
        raise BadValue(f'"{raw}" is not a valid time')
    zone = m[6]
    tz: timezone | None = None
    if zone:
        if zone.upper() in ("Z", "UTC", "GMT"):
            tz = UTC
        else:
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            hh, mm = int(digits[:2]), int(digits[2:] or 0)
            tz = timezone(sign * timedelta(hours=hh, minutes=mm))
    return hour, minute, min(second, 59), tz


def parse_moment(raw: str, order: DateOrder) -> str:
    """A moment as UTC 'YYYY-MM-DDTHH:MM:SS'; times without a zone are taken as UTC."""
    day, rest = split_date(raw, order)
    if not rest.strip():
        return f"{day.isoformat()}T00:00:00"
    hour, minute, second, tz = _parse_time(rest, raw)
    moment = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tz or UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


_CURRENCY_SIGNS = "$€£¥₹"
_CODE = re.compile(r"^[A-Z]{3}$")


def parse_money(raw: str) -> tuple[float, str | None]:
    """Amount and currency code (when written in the value): "USD 1,234.50", "1.234,50 EUR"."""
    s = raw.strip().replace("\u00a0", " ").replace("\u202f", " ")
    currency = None
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    parts = s.split()
    if len(parts) >= 2 and _CODE.match(parts[0]):
        currency, s = parts[0], " ".join(parts[1:])
    elif len(parts) >= 2 and _CODE.match(parts[-1]):
        currency, s = parts[-1], " ".join(parts[:-1])
    sign_map = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
    for sign in _CURRENCY_SIGNS:
        if sign in s:
            currency = currency or sign_map[sign]
            s = s.replace(sign, "")
    s = s.replace(" ", "").replace("'", "")
    if s.startswith("-"):
        negative, s = not negative, s[1:]
    if s.endswith("-"):
        negative, s = not negative, s[:-1]
    number = _plain_number(s, raw)
    if number > MAX_AMOUNT:
        raise BadValue(f'"{raw}" is larger than any deal amount (over {MAX_AMOUNT:,.0f})')
    return (-number if negative else number), currency


def _plain_number(s: str, raw: str) -> float:
    """Read digits with thousands separators in either convention (1,234.50 / 1.234,50)."""
    if not s or not re.fullmatch(r"[0-9.,]+(?:[eE][+\-]?\d+)?", s) or not re.search(r"\d", s):
        raise BadValue(f'"{raw}" is not an amount')
    if "," in s and "." in s:
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")  # 1.234,50
        else:
            s = s.replace(",", "")  # 1,234.50
    elif "," in s:
        head, _, tail = s.rpartition(",")
        # "1,234" and "1,234,567" are thousands; "12,5" and "1234,56" are decimals.
        if s.count(",") == 1 and len(tail) != 3:
            s = f"{head}.{tail}"
        elif re.fullmatch(r"\d{1,3}(,\d{3})+", s):
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".") if s.count(",") == 1 else s.replace(",", "")
    elif s.count(".") > 1:
        if not re.fullmatch(r"\d{1,3}(\.\d{3})+", s):
            raise BadValue(f'"{raw}" is not a number')
        s = s.replace(".", "")
    try:
        value = float(s)
    except ValueError:
        raise BadValue(f'"{raw}" is not a number') from None
    if not value <= MAX_NUMBER:  # also catches the infinity of "1e999"
        raise BadValue(f'"{raw}" is too large a number')
    return value


def parse_number(raw: str) -> float:
    s = raw.strip().replace("\u00a0", "").replace(" ", "")
    negative = s.startswith("-")
    value = _plain_number(s.lstrip("-+"), raw)
    return -value if negative else value


def parse_percent(raw: str) -> float:
    """A percent 0-100: "45%", "45", "45,5 %". (Fractions such as 0.45 are left as given.)"""
    s = raw.strip().rstrip("%").strip()
    try:
        return parse_number(s)
    except BadValue:
        raise BadValue(f'"{raw}" is not a percentage') from None


def parse_int(raw: str) -> int:
    value = parse_number(raw)
    if value != int(value):
        raise BadValue(f'"{raw}" is not a whole number')
    return int(value)


def parse_bool(raw: str) -> int:
    s = raw.strip().lower()
    if s in TRUE_WORDS:
        return 1
    if s in FALSE_WORDS:
        return 0
    raise BadValue(f'"{raw}" is not true/false (use true/false, yes/no or 1/0)')


def parse_minutes(raw: str) -> float:
    """Minutes from "45", "45 min", "1:05:30" (h:m:s) or "05:30" (m:s)."""
    s = raw.strip().lower().replace("minutes", "").replace("mins", "").replace("min", "")
    s = s.strip()
    if ":" in s:
        parts = s.split(":")
        try:
            nums = [float(p) for p in parts]
        except ValueError:
            raise BadValue(f'"{raw}" is not a duration') from None
        if len(nums) == 3:
            return round(nums[0] * 60 + nums[1] + nums[2] / 60, 4)
        if len(nums) == 2:
            return round(nums[0] + nums[1] / 60, 4)
        raise BadValue(f'"{raw}" is not a duration')
    try:
        return parse_number(s)
    except BadValue:
        raise BadValue(f'"{raw}" is not a duration in minutes') from None


def parse_seconds_as_minutes(raw: str) -> float:
    try:
        return round(parse_number(raw) / 60.0, 4)
    except BadValue:
        raise BadValue(f'"{raw}" is not a duration in seconds') from None


def parse_email(raw: str) -> str:
    s = raw.strip()
    return s.lower() if "@" in s else s


def decide_date_order(samples: list[str], fallback: str) -> DateOrder:
    """Decide M/D vs D/M for a file from its d/d/yyyy values (first part > 12 means D/M).

    Evidence both ways, or none, falls back to the engagement's ``date_order`` and is
    reported as ambiguous.
    """
    first_big = second_big = 0
    seen = 0
    for raw in samples:
        m = _SLASH.match(raw.strip())
        if not m:
            continue
        seen += 1
        a, b = int(m[1]), int(m[2])
        if a > 12 and b <= 12:
            first_big += 1
        elif b > 12 and a <= 12:
            second_big += 1
    fallback = fallback if fallback in ("MDY", "DMY") else "MDY"
    if first_big and not second_big:
        return DateOrder("DMY", False, f"{first_big} dates have a first number above 12")
    if second_big and not first_big:
        return DateOrder("MDY", False, f"{second_big} dates have a second number above 12")
    if first_big and second_big:
        return DateOrder(fallback, True, "dates are written both ways in this file")
    if seen:
        return DateOrder(fallback, True, f"all {seen} sampled dates fit both orders")
    return DateOrder(fallback, False, "")
