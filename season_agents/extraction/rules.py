"""The rule-based extractor: deterministic, always available.

Each rule looks for the words a merchandiser uses for one concept and records which words
produced which value. No Django imports.
"""

from __future__ import annotations

import datetime as dt
import difflib
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
_SELL_THROUGH = r"sell[- ]?(?:through|thru)"
_FRACTIONS = {"half": 0.5, "a third": 0.33, "one third": 0.33, "two thirds": 0.67}
_FRACTION = r"(" + "|".join(_FRACTIONS) + r")"
_MARKDOWN_WORDS = (
    r"mark[- ]?downs?|discount\w*|re-?pric\w*|clearance"
    r"|price\s+(?:cuts?|reviews?|reductions?|drops?)|(?:cut|reduce|lower|drop)\w*\s+(?:the\s+)?prices?"
)
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


# The words the rules depend on, so that a misspelt one ("replenihs", "startign") is read
# as the word it is closest to. Every form a rule uses is listed, so none is "corrected".
_KEYWORDS = frozenset(
    [
        "replenish",
        "replenishment",
        "replenishing",
        "replenished",
        "fortnightly",
        "fortnight",
        "markdown",
        "markdowns",
        "warehouse",
        "distribution",
        "holdback",
        "reserve",
        "reserved",
        "restock",
        "restocks",
        "restocking",
        "starting",
        "beginning",
        "clearance",
        "discount",
        "weekly",
        "biweekly",
        "percent",
        "through",
        "allocation",
        "stores",
    ]
)


def _read_typos(text: str) -> tuple[str, list[str]]:
    """`text` with each misspelt keyword replaced by the keyword, and what was read as what."""
    read: list[str] = []

    def closest(match: re.Match[str]) -> str:
        word = match.group(0)
        if word.lower() in _KEYWORDS:
            return word
        close = difflib.get_close_matches(word.lower(), _KEYWORDS, n=1, cutoff=0.85)
        if not close:
            return word
        read.append(f"read '{word}' as '{close[0]}'")
        return close[0]

    return re.sub(r"\b[A-Za-z]{6,}\b", closest, text), read


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
# "the first Monday of June 2025", "last Monday in August", "the first Monday of next month"
_NTH_WEEKDAY = re.compile(
    r"\b(?P<nth>" + "|".join(_ORDINALS) + r")\s+(?P<weekday>" + "|".join(_WEEKDAYS) + r")\s+"
    rf"(?:of|in)\s+(?:{_MONTH}{_YEAR}|(?P<next>next\s+month))",
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
    weeks = re.search(rf"(?<!every )\b{_NUMBER}[\s-]*(?:weeks?|wks?)\b", text, re.IGNORECASE)
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
    after_next = re.search(r"\b(?:the\s+)?monday\s+after\s+next\b", text, re.IGNORECASE)
    if after_next:
        return _Found(next_monday_after(today) + dt.timedelta(days=7), after_next.group(0))
    next_monday = re.search(r"\bnext monday\b", text, re.IGNORECASE)
    if next_monday:
        return _Found(next_monday_after(today), next_monday.group(0))
    nth = _NTH_WEEKDAY.search(text)
    if nth and nth.group("next"):
        following = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        date = _nth_weekday(following.year, following.month, nth.group("weekday"), nth.group("nth"))
        return _Found(date, nth.group(0))
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
        (
            r"\b(?:no|don'?t want|do not want|without)\s+(?:ongoing\s+|any\s+|further\s+)?"
            r"(?:replenish\w*|restock\w*|re-?orders?|top[- ]?ups?)",
            "none",
        ),
        (
            r"\b(?:one[- ]shot|one[- ]off|one[- ]time|single|one)\s+(?:initial\s+)?"
            r"(?:drop|allocation|shipment|delivery|buy)\b",
            "none",
        ),
        (
            r"\b(?:bi[- ]?weekly|fortnight\w*|every\s+(?:two|2|other|second)\s+weeks?"
            r"|twice\s+a\s+month)\b",
            "bi-weekly",
        ),
        (r"\b(?:weekly|every[- ]week|each\s+week|once\s+a\s+week)\b", "weekly"),
    ]
    for pattern, value in rules:
        match = re.search(pattern, text, re.IGNORECASE)
        if match:
            return _Found(value, match.group(0))
    return None


# A clause: the words between punctuation or a joining word; a holdback is stated in one.
_CLAUSE_BREAK = re.compile(r"[;,:()]|\.(?!\d)|\s(?:and|with|but|then|while)\s", re.IGNORECASE)
_HOLDING = r"\b(?:hold\w*|held|keep\w*|kept|reserve\w*|retain\w*|stays?|remains?|back)\b"
_SENDING = r"\b(?:send|ship|allocate|push|distribute)\w*\b"


def _clause_share(clause: str) -> _Found | None:
    percent = re.search(_PERCENT, clause, re.IGNORECASE)
    if percent:
        return _Found(float(percent.group(1)) / 100, clause)
    share = re.search(rf"\b{_SHARE}\b", clause, re.IGNORECASE)
    if share:
        return _Found(_SHARES[share.group(1).lower()], clause)
    return None


def _holdback(text: str) -> _Found | None:
    """The share of the order kept at the DC, from the clause that states it: a share with
    the DC or a holding word ("hold 25% back in the warehouse", "a third kept at the DC"),
    a share sent to the stores ("allocate 80% to the stores"), or nothing held."""
    clauses = [
        clause.strip()
        for clause in _CLAUSE_BREAK.split(text)
        if not re.search(rf"\bsell|\bsold\b|{_SELL_THROUGH}|{_MARKDOWN_WORDS}", clause, re.I)
    ]
    for clause in clauses:
        share = _clause_share(clause)
        if share is None:
            continue
        if re.search(_SENDING, clause, re.I) and re.search(r"\bstores?\b", clause, re.I):
            return _Found(round(1 - float(share.value), 4), clause)  # type: ignore[arg-type]
        if re.search(rf"\b{_DC}|{_HOLDING}", clause, re.IGNORECASE):
            return share
    for clause in clauses:
        nothing = re.search(
            rf"\b(?:nothing|none|zero)\b.*(?:{_HOLDING}|\b{_DC})"
            rf"|\bno\s+(?:{_DC}\s*)?(?:hold-?back|reserve)\b"
            r"|\b(?:all|everything)\b(?:\s+\w+){0,3}\s+to\s+(?:the\s+)?stores\b",
            clause,
            re.IGNORECASE,
        )
        if nothing:
            return _Found(0.0, nothing.group(0))
    return None


def _threshold(sentence: str, text: str) -> _Found | None:
    """The sell-through target: in the markdown's sentence in any order ("below 60%
    sell-through", "sell-through is under 45%", "less than half"), else a target stated
    elsewhere in the text ("target sell-through 60%")."""
    selling = re.search(r"\bsell|\bsold\b", sentence, re.IGNORECASE)
    patterns = [
        rf"{_PERCENT}\s*{_SELL_THROUGH}",
        rf"{_SELL_THROUGH}\s+(?:\w+\s+){{0,2}}{_BELOW}\s*{_PERCENT}",
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
        rf"(?:target\s+{_SELL_THROUGH}|{_SELL_THROUGH}\s+target)\s+(?:of\s+)?{_PERCENT}",
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

    Raises ParameterOutOfRange when a stated value is outside the documented ranges.
    """
    text, reasons = _read_typos(text)
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
