"""Which of the loaded categories a season's description names. No Django imports.

Names and text are compared word by word after folding case, apostrophes and plurals
("Women's Dresses" = "womens dress"); a word within a small edit of the category's word
counts ("dreses"), so a typo does not lose the category but "men" never matches "women".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

WORD_SIMILARITY = 0.85


def _stem(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("es") and word[:-2].endswith(("ss", "x", "ch", "sh")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _words(text: str) -> list[str]:
    folded = re.sub(r"['\u2019`]", "", text.lower())  # straight and curly apostrophes
    return [_stem(word) for word in re.findall(r"[a-z0-9]+", folded)]


def _same(a: str, b: str) -> bool:
    return a == b or SequenceMatcher(None, a, b).ratio() >= WORD_SIMILARITY


def categories_named(text: str, names: Sequence[str]) -> list[str]:
    """The `names` whose words appear in `text` in order and next to each other, in the
    order of `names`."""
    words = _words(text)
    found = []
    for name in names:
        wanted = _words(name)
        if not wanted:
            continue
        windows = (words[i : i + len(wanted)] for i in range(len(words) - len(wanted) + 1))
        if any(all(_same(w, t) for w, t in zip(wanted, window, strict=True)) for window in windows):
            found.append(name)
    return found
