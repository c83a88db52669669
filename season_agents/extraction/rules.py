"""The rule-based extractor: deterministic, always available (SPEC.md section 3).

Each rule looks for the words a merchandiser uses for one concept and records which words
produced which value. No Django imports.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from season_agents.extraction.types import (
    ExtractionDefaults,
    ParameterOutOfRange,
    SeasonParameterSet,
    finished,
    next_monday_after,
)

DEFAULT_HORIZON_WEEKS = 12
DEFAULT_STRATEGY = "weekly"

_NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ],
        start=1,
    )
} | {"twenty-four": 24, "twenty-six": 26, "thirty": 30, "fifty-two": 52}
_NUMBER = r"(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_PERCENT = r"(\d{1,3}(?:\.\d+)?)\s*(?:%|percent\b|per cent\b)"
_BELOW = r"(?:below|under|less than|lower than|beneath|<)"
_FRACTIONS = {"half": 0.5, "a third": 0.33, "one third": 0.33, "two thirds": 0.67}
_FRACTION = r"(" + "|".join(_FRACTIONS) + r")"
_MARKDOWN_WORDS = r"mark[- ]?downs?|discount\w*|re-?pric\w*|clearance|price cuts?"
# The distribution centre, as people name it.
_DC = r"(?:dc|distribution cent(?:er|re)|distribution|warehouse|depot)\b"
# A share of the order in words.
_SHARES = _FRACTIONS | {
    "a fifth": 0.2,
    "one fifth": 0.2,
    "a quarter": 0.25,
    "one quarter": 0.25,
    "a tenth": 0.1,
    "one tenth": 0.1,
}
_SHARE = r"(" + "|".join(sorted(_SHARES, key=len, reverse=True)) + r")"


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s*(?P<year>\d{4}))?"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<iso>\d{4}-\d{2}-\d{2})\b"),
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b{_YEAR}", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b{_YEAR}", re.IGNORECASE),
]


_WEEKDAYS = {
    name: number
    for number, name in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}
_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}
_ORDINALS |= {"fourth": 3, "4th": 3, "last": -1}
# "the first Monday of June 2025", "last Monday in August"
_NTH_WEEKDAY = re.compile(
    r"\b(?P<nth>" + "|".join(_ORDINALS) + r")\s+(?P<weekday>" + "|".join(_WEEKDAYS) + r")\s+"
    rf"(?:of|in)\s+{_MONTH}{_YEAR}",
    re.IGNORECASE,
)


def _nth_weekday(year: int, month: int, weekday: str, nth: str) -> dt.date:
    days = [
        dt.date(year, month, day)
        for day in range(1, 32)
        if _valid(year, month, day)
        and dt.date(year, month, day).weekday() == _WEEKDAYS[weekday.lower()]
    ]
    return days[_ORDINALS[nth.lower()]]


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


@dataclass
class _Found:
    value: object
    words: str


def _horizon(text: str) -> _Found | None:
    weeks = re.search(rf"(?<!every )\b{_NUMBER}[\s-]*weeks?\b", text, re.IGNORECASE)
    if weeks:
        return _Found(_number(weeks.group(1)), weeks.group(0))
    months = re.search(rf"\b{_NUMBER}[\s-]*months?\b", text, re.IGNORECASE)
    if months:
        # 3 months = 13 weeks, 6 months = 26: a month is 52/12 weeks.
        return _Found(round(_number(months.group(1)) * 52 / 12), months.group(0))
    half = re.search(r"\bhalf[\s-]+(?:a[\s-]+)?year\b", text, re.IGNORECASE)
    if half:
        return _Found(26, half.group(0))
    quarters = re.search(rf"\b{_NUMBER}\s+quarters\b", text, re.IGNORECASE)
    if quarters:
        return _Found(13 * _number(quarters.group(1)), quarters.group(0))
    quarter = re.search(
        rf"\b(a |one |1 )?quarter\b(?!\s+(?:of\s+(?:the\s+)?\w+\s+)?(?:(?:held|kept|reserved)\s+)?"
        rf"(?:at|in)\s+(?:the\s+)?{_DC})",
        text,
        re.IGNORECASE,
    )
    if quarter:
        return _Found(13, quarter.group(0))
    return None


def _start(text: str, today: dt.date) -> _Found | None:
    next_monday = re.search(r"\bnext monday\b", text, re.IGNORECASE)
    if next_monday:
        return _Found(next_monday_after(today), next_monday.group(0))
    nth = _NTH_WEEKDAY.search(text)
    if nth:
        month = _MONTHS[nth.group("month").lower()]
        year = int(nth.group("year")) if nth.group("year") else today.year
        date = _nth_weekday(year, month, nth.group("weekday"), nth.group("nth"))
        if not nth.group("year") and date < today:
            date = _nth_weekday(year + 1, month, nth.group("weekday"), nth.group("nth"))
        return _Found(date, nth.group(0))
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        groups = match.groupdict()
        if groups.get("iso"):
            try:
                return _Found(dt.date.fromisoformat(groups["iso"]), match.group(0))
            except ValueError:
                raise ParameterOutOfRange(
                    "season_start_date", f"{groups['iso']!r} is not a calendar date"
                ) from None
        month = _MONTHS[groups["month"].lower()]
        day = int(groups["day"])
        year = int(groups["year"]) if groups.get("year") else today.year
        try:
            date = dt.date(year, month, day)
        except ValueError:
            raise ParameterOutOfRange(
                "season_start_date", f"{match.group(0)!r} is not a calendar date"
            ) from None
        if not groups.get("year") and date < today:
            date = date.replace(year=today.year + 1)  # "March 1st" = the coming March 1st
        return _Found(date, match.group(0))
    return None


def _replenishment(text: str) -> _Found | None:
    rules = [
        (r"\b(no|don'?t want|do not want|without)\s+(ongoing\s+|any\s+)?replenish\w*", "none"),
        (r"\b(one[- ]shot|single drop|one initial allocation|no re-?orders?)\b", "none"),
        (r"\b(bi-?weekly|fortnightly|every (two|2) weeks)\b", "bi-weekly"),
        (r"\b(weekly|every[- ]week)\b", "weekly"),
    ]
    for pattern, value in rules:
        match = re.search(pattern, text, re.IGNORECASE)
        if match:
            return _Found(value, match.group(0))
    return None


def _holdback(text: str) -> _Found | None:
    explicit = [
        r"(\d{1,3}(?:\.\d+)?)\s*%\s*(?:dc\s+)?(?:holdback|hold-?back|reserve)",
        rf"\bhold(?:ing)?\s+(?:back\s+)?(\d{{1,3}}(?:\.\d+)?)\s*%\s*(?:at|in)\s+(?:the\s+)?{_DC}",
        r"(\d{1,3}(?:\.\d+)?)\s*%\s*(?:(?:held|kept|reserved)\s+)?(?:at|in)\s+(?:the\s+)?" + _DC,
        r"(?:holdback|reserve)\s+(?:of\s+)?(\d{1,3}(?:\.\d+)?)\s*%",
    ]
    for pattern in explicit:
        match = re.search(pattern, text, re.IGNORECASE)
        if match:
            return _Found(float(match.group(1)) / 100, match.group(0))
    # "keep a fifth at the warehouse", "hold back a quarter in the DC"
    share = re.search(
        rf"\b(?:hold(?:ing)?\s+back\s+|keep(?:ing)?\s+|reserv(?:e|ing)\s+)?{_SHARE}\s+"
        rf"(?:of\s+(?:the\s+)?(?:stock|inventory|units|order)\s+)?(?:(?:held|kept|reserved)\s+)?"
        rf"(?:at|in)\s+(?:the\s+)?{_DC}",
        text,
        re.IGNORECASE,
    )
    if share:
        return _Found(_SHARES[share.group(1).lower()], share.group(0))
    to_stores = re.search(
        r"\b(?:send|ship|allocate)\s+(\d{1,3}(?:\.\d+)?)\s*%\s*(?:of\s+\w+\s+)?to\s+(?:the\s+)?stores",
        text,
        re.IGNORECASE,
    )
    if to_stores:
        return _Found(round(1 - float(to_stores.group(1)) / 100, 4), to_stores.group(0))
    nothing_held = re.search(
        r"\bno\s+(?:dc\s+)?hold-?back\b|\b(?:all|everything|all inventory|all stock)\s+"
        r"(?:\w+\s+){0,2}to\s+(?:the\s+)?stores\b",
        text,
        re.IGNORECASE,
    )
    if nothing_held:
        return _Found(0.0, nothing_held.group(0))
    return None


def _threshold(sentence: str, text: str) -> _Found | None:
    """The sell-through target: in the markdown's sentence in any order ("below 60%
    sell-through", "sell-through is under 45%", "less than half"), else a target stated
    elsewhere in the text ("target sell-through 60%")."""
    selling = re.search(r"\bsell|\bsold\b", sentence, re.IGNORECASE)
    patterns = [
        rf"{_PERCENT}\s*sell[- ]?through",
        rf"sell[- ]?through\s+(?:is\s+|of\s+|rate\s+)?{_BELOW}\s*{_PERCENT}",
    ]
    if selling:
        patterns.append(rf"{_BELOW}\s*{_PERCENT}")
    for pattern in patterns:
        match = re.search(pattern, sentence, re.IGNORECASE)
        if match:
            return _Found(float(match.group(1)) / 100, match.group(0))
    fraction = re.search(rf"{_BELOW}\s*{_FRACTION}\b", sentence, re.IGNORECASE)
    if fraction and selling:
        return _Found(_FRACTIONS[fraction.group(1).lower()], fraction.group(0))
    target = re.search(
        rf"(?:target\s+sell[- ]?through|sell[- ]?through\s+target)\s+(?:of\s+)?{_PERCENT}",
        text,
        re.IGNORECASE,
    )
    if target:
        return _Found(float(target.group(1)) / 100, target.group(0))
    return None


def _markdown(text: str, horizon: int) -> tuple[_Found, _Found | None] | None:
    """(checkpoint, threshold): checkpoint value None means "no markdown step"; threshold None
    means the text states no sell-through target."""
    none = re.search(rf"\bno\s+(?:{_MARKDOWN_WORDS})\b", text, re.IGNORECASE)
    if none:
        return _Found(None, none.group(0)), _Found(None, none.group(0))
    sentence = next(
        (
            s
            for s in re.split(r"(?<=[.!?])\s+", text)
            if re.search(rf"\b(?:{_MARKDOWN_WORDS})", s, re.IGNORECASE)
        ),
        None,
    )
    if sentence is None:
        return None
    week = re.search(rf"\bweek\s+{_NUMBER}\b", sentence, re.IGNORECASE)
    mid = re.search(r"\b(?:mid-?season|halfway)\b", sentence, re.IGNORECASE)
    if week:
        checkpoint = _Found(_number(week.group(1)), week.group(0))
    elif mid:
        checkpoint = _Found(horizon // 2, mid.group(0))
    else:
        return None
    return checkpoint, _threshold(sentence, text)


def extract_rules(text: str, *, today: dt.date, defaults: ExtractionDefaults) -> SeasonParameterSet:
    """Extracts the five season concepts from `text`; unstated fields take their defaults
    and are listed as defaulted, never as stated.

    Raises ParameterOutOfRange when a stated value is outside the SPEC's ranges.
    """
    reasons: list[str] = []
    stated: set[str] = set()

    def note(found: _Found, field: str, shown: object) -> None:
        stated.add(field)
        reasons.append(f"'{found.words}' -> {field} = {shown}")

    horizon_found = _horizon(text)
    horizon = int(horizon_found.value) if horizon_found else DEFAULT_HORIZON_WEEKS  # type: ignore[call-overload]
    if horizon_found:
        note(horizon_found, "forecast_horizon_weeks", horizon)

    start_found = _start(text, today)
    start = start_found.value if start_found else next_monday_after(today)
    if start_found:
        note(start_found, "season_start_date", start)

    strategy_found = _replenishment(text)
    strategy = str(strategy_found.value) if strategy_found else DEFAULT_STRATEGY
    if strategy_found:
        note(strategy_found, "replenishment_strategy", strategy)

    holdback_found = _holdback(text)
    holdback = float(holdback_found.value) if holdback_found else defaults.dc_holdback_percentage  # type: ignore[arg-type]
    if holdback_found:
        note(holdback_found, "dc_holdback_percentage", f"{holdback:.2f}")

    checkpoint: int | None = None
    threshold: float | None = None
    markdown = _markdown(text, horizon)
    if markdown:
        checkpoint_found, threshold_found = markdown
        checkpoint = checkpoint_found.value  # type: ignore[assignment]
        note(checkpoint_found, "markdown_checkpoint_week", checkpoint)
        if threshold_found is not None:
            threshold = threshold_found.value  # type: ignore[assignment]
            note(threshold_found, "markdown_threshold", threshold)
        elif checkpoint is not None:
            threshold = defaults.markdown_threshold
            reasons.append(
                f"no sell-through target stated: markdown_threshold takes the default "
                f"{threshold:.0%}"
            )
    return finished(
        SeasonParameterSet(
            forecast_horizon_weeks=horizon,
            season_start_date=start,  # type: ignore[arg-type]
            replenishment_strategy=strategy,
            dc_holdback_percentage=holdback,
            markdown_checkpoint_week=checkpoint,
            markdown_threshold=threshold,
            extraction_confidence="low",
            extraction_reasoning="; ".join(reasons)
            or "no season parameters recognised; every field takes its default",
        ),
        stated,
    )
