"""Numbers as authors and learners type them ("," or "." as the decimal mark) and as
Vietnamese readers see them (1.500.000,5).
"""

import math
import re


def format_number(value: float) -> str:
    """Shortest text that reads back as `value`: 2.0 → "2", 0.5 → "0.5"."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def parse_number(text: str) -> float | None:
    """Read a number typed by a learner, with "," or "." as decimal mark; None if it is none."""
    readings = number_readings(text)
    return readings[0] if readings else None


# One mark followed by exactly three digits: "1.250" is 1.25 in English and 1250 in Vietnamese.
_AMBIGUOUS = re.compile(r"-?\d{1,3}[.,]\d{3}")


def number_readings(text: str) -> list[float]:
    """Every value a learner may have meant by `text`, the decimal-mark reading first."""
    text = re.sub(r"[\s\u00a0]", "", text).removesuffix("%")
    readings = [_read_number(text)]
    if _AMBIGUOUS.fullmatch(text):
        readings.append(_read_number(text.replace(",", "").replace(".", "")))
    return [value for value in readings if value is not None]


def _read_number(text: str) -> float | None:
    if "," in text and "." in text:
        # The last of the two marks is the decimal one: "1.234,5" and "1,234.5" both mean 1234.5.
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    for mark in ",.":
        if text.count(mark) > 1:
            text = text.replace(mark, "")
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def display_number(value: float) -> str:
    """A number as Vietnamese readers write it: 1.500.000,5."""
    text = format_number(value)
    if "e" in text:
        return text
    whole, _point, decimals = text.partition(".")
    grouped = f"{abs(int(whole)):,}".replace(",", ".")
    return ("-" if whole.startswith("-") else "") + grouped + ("," + decimals if decimals else "")
