"""Soft hyphens in long Danish words, so a chart box wraps "Direktionssekretariatet" as
"Direktions-|sekretariatet" rather than anywhere: `hyphens: auto` needs a Danish dictionary in
the browser, which Chromium downloads only when it is online."""

from __future__ import annotations

import functools
import re

SOFT_HYPHEN = "\u00ad"
# Words shorter than this fit a box's line at any zoom the chart uses.
LONG_WORD = 12
_WORD = re.compile(rf"\w{{{LONG_WORD},}}")


@functools.cache
def _dictionary():
    import pyphen

    return pyphen.Pyphen(lang="da_DK", left=4, right=4)


@functools.lru_cache(maxsize=4096)
def _word(word: str) -> str:
    return _dictionary().inserted(word, hyphen=SOFT_HYPHEN)


def soft_hyphens(text: str) -> str:
    """`text` with soft hyphens at the Danish hyphenation points of its long words (the
    text reads, copies and searches the same; only the wrapping changes)."""
    return _WORD.sub(lambda m: _word(m.group(0)), text)
