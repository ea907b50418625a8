"""Text normalisation for PDF-extracted Chinese: widths, line joining, justification spaces."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Characters that close a sentence; a paragraph can only end after one of them.
SENTENCE_END = "。！？!?…"
# Closing marks that may follow the sentence end (quotes, brackets).
CLOSERS = "”’」』）)】》\"'"
_TRAILING_FIGURE_REF = re.compile(r"[（(][^（）()]{1,8}[）)]$")  # "（图①）" after a sentence
# Every kind of space a PDF export produces (full-width, NBSP, thin spaces, tabs, form feeds at
# page breaks, Unicode line separators) counts as one plain space inside a line.
_SPACE_CHARS = re.compile(r"[ \t\v\f\x1c-\x1f\x85\u3000\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f]+")
# Zero-width characters are invisible and carry no text: they are dropped, not made spaces, so
# `巡\u200b逻` stays one word. non_space ignores them too, or the nothing-lost check would miss them.
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]+")
_NON_TEXT = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


def is_cjk(char: str) -> bool:
    """A Chinese character or full-width punctuation: text that needs no spaces around it."""
    if not char:
        return False
    code = ord(char)
    return (
        0x3000 <= code <= 0x303F  # CJK punctuation
        or 0x3400 <= code <= 0x9FFF  # ideographs (ext. A + unified)
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x2460 <= code <= 0x24FF  # circled numbers ①
        or 0x2000 <= code <= 0x206F and char in "“”‘’…—–"
        or 0x20000 <= code <= 0x3FFFF
        or char in "■□●○◆◇▲△·"
    )


@lru_cache(maxsize=None)  # a few thousand distinct characters, asked about millions of times
def char_width(char: str) -> float:
    """Printed width in em: ideographs and full-width forms take one, Latin and digits half."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char in "“”‘’…—":
        return 1.0
    # Digits and Latin letters are set narrower than ideographs, but wider than half an em in
    # the bulletin's fonts (a full line holds fewer of them than two per ideograph).
    return 0.75 if char.isalnum() else 0.5


@lru_cache(maxsize=1 << 14)  # the splitter measures each line against its neighbours, repeatedly
def display_width(text: str) -> float:
    return sum(map(char_width, text))


def clean_line(line: str) -> str:
    """Unify the spaces PDF exports produce (full-width, tabs, NBSP) and trim the line."""
    return _SPACE_CHARS.sub(" ", _ZERO_WIDTH.sub("", line)).strip()


def ends_sentence(line: str) -> bool:
    """True when the line ends a sentence, ignoring closing quotes and a trailing '（图①）'."""
    text = line.rstrip()
    for _ in range(3):
        stripped = _TRAILING_FIGURE_REF.sub("", text).rstrip(CLOSERS + " ")
        if stripped == text:
            break
        text = stripped
    return bool(text) and text[-1] in SENTENCE_END


def ends_with_figure_ref(line: str) -> bool:
    """Photo captions end with a reference to their picture: `…（图①）`."""
    return bool(re.search(r"[（(]图[^（）()]{0,4}[）)]$", line.rstrip()))


def _is_latin_word_char(char: str) -> bool:
    return char.isascii() and char.isalpha()


# Inside a URL, an e-mail address or a domain a line break is no space: `https://www.exam` +
# `ple.gov.cn`. A Latin token reads as one when it holds `://`, `www.`, `@` or a dot or slash.
_ADDRESS_PART = re.compile(r"(?:://|www\.|@|[A-Za-z0-9][./][A-Za-z0-9]|[./@_-]$|^[./@_-])")
_LATIN_TAIL = re.compile(r"[!-~]+$")
_LATIN_HEAD = re.compile(r"^[!-~]+")


def _latin_break_is_space(before: str, after: str) -> bool:
    """Does a line break between two Latin characters stand for a space?

    Only between words of Latin prose (`the quick` / `brown fox`): not inside an address, and
    not inside a Latin word set in Chinese text (`爱山东AP` / `P上线`), whose line break cut it.
    """
    tail = _LATIN_TAIL.search(before).group()
    head = _LATIN_HEAD.match(after).group()
    if _ADDRESS_PART.search(tail) or _ADDRESS_PART.search(head):
        return False
    glued_left = len(tail) == len(before) or not before[-len(tail) - 1].isspace()
    glued_right = len(head) == len(after) or not after[len(head)].isspace()
    if glued_left and glued_right and (is_cjk(before[-len(tail) - 1:-len(tail)] or "")
                                       or is_cjk(after[len(head):len(head) + 1])):
        return False
    return True


def join_wrapped(lines: list[str]) -> str:
    """Join hard-wrapped lines: no separator in Chinese (nor inside an address or a word), one
    space between two words of Latin prose."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and _is_latin_word_char(out[-1]) and _is_latin_word_char(line[0]) \
                and _latin_break_is_space(out, line):
            out += " "
        out += line
    return out


_GAP = re.compile(r"(?<=\S)\s+(?=\S)")


def remove_justification_spaces(text: str) -> str:
    """Drop spaces that justification put inside Chinese text; keep spaces between Latin words.

    `邀请 50 名小学生` -> `邀请50名小学生`, `共 检 查 单 位` -> `共检查单位`, `Hello world` unchanged.
    """
    text = text.strip()

    def replace(match: re.Match) -> str:
        before = text[match.start() - 1]
        after = text[match.end()]
        return "" if is_cjk(before) or is_cjk(after) else " "

    return _GAP.sub(replace, text)


def normalise_paragraph(lines: list[str]) -> str:
    return remove_justification_spaces(join_wrapped(lines))


def normalise_heading(lines: list[str]) -> str:
    """Headlines and subheads keep a single space where the printed layout separates phrases."""
    joined = " ".join(clean_line(line) for line in lines if line.strip())
    return re.sub(r" +", " ", joined).strip()


def non_space(text: str) -> str:
    """The visible characters of `text`: what the nothing-lost check counts."""
    return _NON_TEXT.sub("", text)
