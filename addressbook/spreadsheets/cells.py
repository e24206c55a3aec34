"""Cell neutralisation: the one rule by which an export keeps text from running as a formula,
and by which an import reads that text back as it was.

Excel and LibreOffice run a cell as a formula when it starts with ``=``, ``+``, ``-`` or ``@``
("CSV injection", OWASP), also after spaces or control characters that a program trims or an
.xlsx cannot hold, and some programs drop a leading tab or carriage return before they look.
An apostrophe in front is how Excel users themselves write "this is text". So that every text
survives an export and a re-import unchanged, writing and reading share the rule:

- a text is neutralised (an apostrophe put in front) when it would run as a formula, and when
  it starts with an apostrophe of its own in front of such a text (``'=1`` typed by a user,
  which reading would otherwise take for a neutralised ``=1``);
- reading takes the apostrophe off exactly where writing would have put one.

"'s-Hertogenbosch" and other texts that merely start with an apostrophe are written as they are.
"""

from __future__ import annotations

import re

FORMULA_CHARACTERS = ("=", "+", "-", "@")
# Some programs drop these before they look at the first character (OWASP lists them as starts).
_DROPPED_FIRST = ("\t", "\r")
# What a program may trim before it looks: white space and control characters.
_TRIMMED = re.compile(r"[\s\x00-\x1f\x7f-\x9f]*")
NEUTRALISING_PREFIX = "'"


def needs_neutralising(text: str) -> bool:
    """Whether ``text`` is written with an apostrophe in front (see the module's docstring)."""
    if not text or text[0].isalnum():  # the usual text: decided by its first character
        return False
    rest = text
    while rest.strip():  # white space alone runs nothing and is not read back
        if rest.startswith(_DROPPED_FIRST):
            return True
        rest = rest[_TRIMMED.match(rest).end() :]
        if rest.startswith(FORMULA_CHARACTERS):
            return True
        if not rest.startswith(NEUTRALISING_PREFIX):
            return False
        rest = rest[1:]  # a user's own apostrophe: neutralised if what follows it would be
    return False


def neutralised(text: str) -> str:
    """``text`` as written into a cell: with an apostrophe in front where it needs one."""
    return NEUTRALISING_PREFIX + text if needs_neutralising(text) else text


def is_neutralised(cell: str) -> bool:
    """Whether a cell's text (without surrounding spaces) was neutralised by ``neutralised``."""
    return cell.startswith(NEUTRALISING_PREFIX) and needs_neutralising(cell[1:])


def text_of_neutralised(cell: str) -> str:
    """The text a neutralised cell stands for, without surrounding spaces like every cell read."""
    return cell[1:].strip()
