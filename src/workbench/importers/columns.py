"""Converting a whole column of exported text at once (the bulk path of an import).

Common shapes (ISO dates, d/d/yyyy dates, plain numbers, true/false) are converted
with pyarrow compute kernels; every other non-blank value goes to the careful
one-value parsers in ``workbench.importers.values``. The result is the converted
column (as Arrow, and as a Python list when asked for) plus the positions of values that
could not be read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.importers import values as V

_PLAIN_NUMBER = r"^[-+]?\d+(\.\d+)?$"
_PLACEHOLDER_ISO = ["1900-01-01", "1899-12-30", "1899-12-31", "0001-01-01"]


@dataclass
class Converted:
    """A converted column: values (None for blank), bad positions with reasons, notes.

    ``arrow`` holds the converted column as built by the fast kernels; ``values`` (a
    Python list) is made from it only when asked for. A column that needed the careful
    parsers has its list patched in place: ``arrow`` is then None.
    """

    arrow: pa.Array | None
    bad: dict[int, str] = field(default_factory=dict)
    placeholders: int = 0
    currencies: dict[int, str] = field(default_factory=dict)
    _values: list | None = None

    @property
    def values(self) -> list:
        if self._values is None:
            assert self.arrow is not None
            self._values = self.arrow.to_pylist()
        return self._values

    def patched(self) -> list:
        """The list, from now on the only copy of the values (``arrow`` is dropped)."""
        values = self.values
        self.arrow = None
        return values


def _blank_to_null(arr: pa.Array) -> pa.Array:
    edges = _edges(arr)
    if edges is None or edges[0]:
        arr = pc.utf8_trim_whitespace(arr)
    elif not edges[1]:
        return arr  # nothing to trim, nothing blank: as it is
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)


def _edges(arr: pa.Array) -> tuple[bool, bool] | None:
    """(whether some value may start or end with white space, whether some value is
    empty) of a string column, from its offsets and characters; None when not told.

    Values whose first and last bytes are printable ASCII letters, digits or signs need
    no trimming; a byte outside ASCII might begin or end a white-space character.
    """
    buffers = arr.buffers()
    if arr.type != pa.string() or len(buffers) < 3 or arr.null_count:
        return None
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[arr.offset : arr.offset + len(arr) + 1]
    starts, ends = offsets[:-1], offsets[1:]
    present = ends > starts
    empty = not present.all()
    if buffers[2] is None or not present.any():
        return False, empty
    chars = np.frombuffer(buffers[2], dtype=np.uint8)
    first, last = chars[starts[present]], chars[ends[present] - 1]
    outside = (first <= 32) | (first >= 127) | (last <= 32) | (last >= 127)
    return bool(outside.any()), empty


def _needs_python(arr: pa.Array, fast: pa.Array) -> pa.Array:
    """Positions with a value the fast kernels did not convert."""
    return pc.and_(pc.is_valid(arr), pc.is_null(fast))


_ISO_DAY = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"


def _in_years(text: pa.Array) -> pa.Array:
    return pc.and_(
        pc.greater_equal(text, f"{V.FIRST_YEAR:04d}"), pc.less(text, f"{V.LAST_YEAR + 1:04d}")
    )


def _valid_iso_date(iso: pa.Array) -> pa.Array:
    """``iso`` ('YYYY-MM-DD' text, month and day in range) where it is a real calendar day
    before the placeholder years, else null. Only days 29-31 need the calendar check."""
    # Only dates inside the accepted years take the fast path; the careful parser
    # rejects (or blanks, for placeholders) the others with their reason.
    ok = pc.and_(_in_years(iso), pc.invert(pc.is_in(iso, pa.array(_PLACEHOLDER_ISO))))
    out = pc.if_else(pc.fill_null(ok, False), iso, pa.scalar(None, pa.string()))
    late = pc.fill_null(pc.greater(pc.utf8_slice_codeunits(out, 8, 10), "28"), False)
    if pc.any(late).as_py():
        subset = pc.filter(out, late)
        parsed = pc.strptime(subset, format="%Y-%m-%d", unit="s", error_is_null=True)
        real = pc.fill_null(pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), subset), False)
        checked = pc.if_else(real, subset, pa.scalar(None, pa.string()))
        out = pc.replace_with_mask(out, late, checked)
    return out


def _fast_date(arr: pa.Array, order: V.DateOrder) -> pa.Array:
    iso_like = pc.fill_null(pc.match_substring_regex(arr, _ISO_DAY + r"([T ]|$)"), False)
    iso = pc.if_else(iso_like, pc.utf8_slice_codeunits(arr, 0, 10), pa.scalar(None, pa.string()))
    rest = pc.and_(pc.is_valid(arr), pc.invert(iso_like))
    if not pc.any(rest).as_py():
        return _valid_iso_date(iso)
    parts = pc.extract_regex(arr, r"^(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})(?:[ T].*)?$")
    matched = pc.is_valid(parts)
    a, b, y = parts.field("a"), parts.field("b"), parts.field("y")
    month, day = (b, a) if order.order == "DMY" else (a, b)
    month, day = pc.utf8_lpad(month, 2, "0"), pc.utf8_lpad(day, 2, "0")
    slash = pc.binary_join_element_wise(y, month, day, "-")
    in_range = pc.fill_null(pc.match_substring_regex(slash, _ISO_DAY + "$"), False)
    slash = pc.if_else(pc.and_(matched, in_range), slash, pa.scalar(None, pa.string()))
    return _valid_iso_date(pc.coalesce(iso, slash))


def _fast_moment(arr: pa.Array) -> pa.Array:
    # ISO moments in UTC as exports write them: "2024-01-05 10:20:30",
    # "2024-01-05T10:20:30.000Z", "...+0000", "... UTC"; other zones go to the careful parser.
    utc = pc.fill_null(
        pc.match_substring_regex(
            arr, r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]00:?00| ?UTC)?$"
        ),
        False,
    )
    head = pc.utf8_slice_codeunits(arr, 0, 19)
    text = pc.if_else(
        utc, pc.replace_substring(head, " ", "T", max_replacements=1), pa.scalar(None, pa.string())
    )
    day_only = pc.fill_null(pc.match_substring_regex(arr, r"^\d{4}-\d{2}-\d{2}$"), False)
    text = pc.coalesce(
        text,
        pc.if_else(
            day_only,
            pc.binary_join_element_wise(arr, "T00:00:00", ""),
            pa.scalar(None, pa.string()),
        ),
    )
    parsed = pc.strptime(text, format="%Y-%m-%dT%H:%M:%S", unit="s", error_is_null=True)
    back = pc.strftime(parsed, format="%Y-%m-%dT%H:%M:%S")
    ok = pc.and_(pc.equal(back, text), _in_years(text))
    ok = pc.and_(ok, pc.invert(pc.starts_with(text, "1900-01-01")))
    return pc.if_else(pc.fill_null(ok, False), text, pa.scalar(None, pa.string()))


def _fast_number(arr: pa.Array) -> pa.Array:
    plain = pc.fill_null(pc.match_substring_regex(arr, _PLAIN_NUMBER), False)
    text = pc.if_else(plain, arr, pa.scalar(None, pa.string()))
    number = pc.cast(text, pa.float64())
    # Huge values go to the careful parser, which rejects them with their reason.
    sane = pc.fill_null(pc.less_equal(pc.abs(number), V.MAX_AMOUNT), False)
    return pc.if_else(sane, number, pa.scalar(None, pa.float64()))


def _fast_bool(arr: pa.Array) -> pa.Array:
    low = pc.utf8_lower(arr)
    true = pc.is_in(low, pa.array(sorted(V.TRUE_WORDS)))
    false = pc.is_in(low, pa.array(sorted(V.FALSE_WORDS)))
    out = pc.if_else(true, pa.scalar(1, pa.int64()), pa.scalar(None, pa.int64()))
    return pc.if_else(false, pa.scalar(0, pa.int64()), out)


def _slow(
    arr: pa.Array,
    fast: pa.Array,
    parse: Callable[[str], object],
    result: Converted,
    *,
    money: bool = False,
) -> None:
    need = _needs_python(arr, fast)
    if not pc.any(need).as_py():
        return
    positions = pc.indices_nonzero(need).to_pylist()
    raw = pc.filter(arr, need).to_pylist()
    values = result.patched()
    for i, text in zip(positions, raw, strict=True):
        try:
            value = parse(text)
        except V.Placeholder:
            result.placeholders += 1
            values[i] = None
            continue
        except V.BadValue as exc:
            result.bad[i] = str(exc)
            continue
        except (ValueError, OverflowError):
            result.bad[i] = f'"{text}" cannot be read'
            continue
        if money:
            amount, currency = value  # type: ignore[misc]
            values[i] = amount
            if currency:
                result.currencies[i] = currency
        else:
            values[i] = value


def convert_column(raw: pa.Array, ftype: str, order: V.DateOrder) -> Converted:
    """Convert one column of text to the field type; blanks become None."""
    arr = _blank_to_null(raw)
    if ftype in ("text", "ref"):
        return Converted(arr)
    if ftype == "email":
        has_at = pc.fill_null(pc.match_substring(arr, "@"), False)
        return Converted(pc.if_else(has_at, pc.utf8_lower(arr), arr))
    if ftype == "date":
        fast = _fast_date(arr, order)
        result = Converted(fast)
        _slow(arr, fast, lambda s: V.parse_date(s, order), result)
        return result
    if ftype == "moment":
        fast = _fast_moment(arr)
        result = Converted(fast)
        _slow(arr, fast, lambda s: V.parse_moment(s, order), result)
        return result
    if ftype == "bool":
        fast = _fast_bool(arr)
        result = Converted(fast)
        _slow(arr, fast, V.parse_bool, result)
        return result
    fast = _fast_number(arr)
    if ftype == "int":
        fast_int = pc.if_else(pc.equal(pc.floor(fast), fast), fast, pa.scalar(None, pa.float64()))
        result = Converted(pc.cast(fast_int, pa.int64()))
        _slow(arr, fast_int, V.parse_int, result)
        return result
    if ftype == "seconds":
        result = Converted(pc.divide(fast, 60.0))
        _slow(arr, fast, V.parse_seconds_as_minutes, result)
        return result
    result = Converted(fast)
    if ftype == "money":
        _slow(arr, fast, V.parse_money, result, money=True)
    elif ftype == "percent":
        _slow(arr, fast, V.parse_percent, result)
    elif ftype == "minutes":
        _slow(arr, fast, V.parse_minutes, result)
    else:
        _slow(arr, fast, V.parse_number, result)
    return result


def _json_string(arr: pa.Array) -> pa.Array:
    """JSON string literals for text values (quotes, backslashes, control characters)."""
    out = pc.replace_substring(arr, "\\", "\\\\")
    out = pc.replace_substring(out, '"', '\\"')
    for ch, esc in (("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        out = pc.replace_substring(out, ch, esc)
    return pc.binary_join_element_wise('"', out, '"', "")


def extra_json(columns: list[tuple[str, pa.Array]], length: int) -> pa.Array | list:
    """One compact JSON object per row with the non-blank values of the unmapped
    columns: an Arrow string column, or a list when some value holds a control
    character (those rows are written by ``json.dumps``)."""
    if not columns:
        return pa.nulls(length, pa.string())
    fragments = []
    for header, raw in columns:
        arr = _blank_to_null(raw)
        key = "," + json.dumps(header, ensure_ascii=False) + ":"
        fragments.append(pc.binary_join_element_wise(key, _json_string(arr), ""))
    # Each present value contributes ',"key":"value"'; absent ones contribute nothing.
    joined = pc.binary_join_element_wise(
        *fragments, "", null_handling="replace", null_replacement=""
    )
    body = pc.utf8_slice_codeunits(joined, 1)
    wrapped = pc.binary_join_element_wise("{", body, "}", "")
    wrapped = pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.string()), wrapped)
    controls = pc.fill_null(
        pc.match_substring_regex(joined, r"[\x00-\x08\x0b\x0c\x0e-\x1f]"), False
    )
    if not pc.any(controls).as_py():
        return wrapped
    values = wrapped.to_pylist()
    for i in pc.indices_nonzero(controls).to_pylist():
        obj = {h: str(c[i]).strip() for h, c in columns if c[i].is_valid and str(c[i]).strip()}
        values[i] = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return values
