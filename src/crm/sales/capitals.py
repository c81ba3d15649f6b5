"""Amounts in Chinese capitals 人民币大写 as contracts and receipts write them
(1,234,567.80 → 壹佰贰拾叁万肆仟伍佰陆拾柒元捌角整): "整" after 元 or 角, none after 分; one 零 for each
run of zeros inside the number."""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ("", "拾", "佰", "仟")
SECTIONS = ("", "万", "亿", "万亿")


def _group(value: int) -> str:
    """1–9999 within its section: 105 → 壹佰零伍."""
    words, zero = "", False
    for position in (3, 2, 1, 0):
        digit = value // 10**position % 10
        if digit == 0:
            zero = bool(words)
            continue
        if zero:
            words, zero = words + "零", False
        words += DIGITS[digit] + UNITS[position]
    return words


def _integer(value: int) -> str:
    groups = []
    while value:
        value, group = divmod(value, 10000)
        groups.append(group)
    words, zero = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            zero = bool(words)
            continue
        if words and (zero or group < 1000):
            words += "零"
        words += _group(group) + SECTIONS[index]
        zero = False
    return words


def rmb_upper(value) -> str:
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "负" if amount < 0 else ""
    amount = abs(amount)
    yuan = int(amount)
    jiao, fen = divmod(int((amount - yuan) * 100), 10)
    words = _integer(yuan) + "元" if yuan else ""
    if not jiao and not fen:
        return sign + (words or "零元") + "整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    words += DIGITS[fen] + "分" if fen else "整"
    return sign + words
