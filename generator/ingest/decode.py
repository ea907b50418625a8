"""Seed bytes -> text: encoding detection and conversion, control characters, empty files.

Seeds come from PDF exports made on different machines: UTF-8 with or without BOM, UTF-16,
GB18030/GBK and Big5 are detected and converted (and noted); anything that is not one issue's
text raises SplitError with the line.
"""
from __future__ import annotations

import bisect
import codecs
import re
from functools import lru_cache

from .split import SplitError
from .text import non_space


def decode_seed(data: bytes, notices: list[str], source: str) -> str:
    """Seed bytes -> text; anything that is not one issue's text raises SplitError with the line.

    UTF-8 (with or without BOM) is read as is. UTF-16 (Windows "Unicode" exports), GB18030/GBK
    and Big5 are detected, converted and noted. Stray control characters (PDF extraction leaves
    some where a glyph had no mapping) are removed and noted; a file full of them is binary.
    """
    text, note = _decode_bytes(data)
    if note:
        notices.append(f"{source}: {note}")
    controls = list(_CONTROL.finditer(text))
    if controls:
        breaks = [m.end() for m in _LINE_BREAK.finditer(text)]
        lines = sorted({bisect.bisect_right(breaks, m.start()) + 1 for m in controls})
        first_line = lines[0]
        visible = len(text) - len(re.findall(r"\s", text))
        if len(controls) > max(8, visible // 50):
            raise SplitError(first_line, f"binary data, not a text export ({len(controls)} control "
                                         f"characters, the first U+{ord(controls[0].group()):04X})")
        codes = sorted({f"U+{ord(m.group()):04X}" for m in controls})
        notices.append(f"{source}: removed {len(controls)} control character(s) ({', '.join(codes)}) "
                              f"on line(s) {', '.join(map(str, lines[:10]))}{' …' if len(lines) > 10 else ''}")
        text = _CONTROL.sub("", text)
    if not non_space(text):
        lines = len(_LINE_BREAK.split(text))
        raise SplitError(1, "empty file: no text" if not text else
                         f"no text: only whitespace or control characters on {lines} line(s)")
    return text


# C0/C1 control characters other than tab and line/page breaks, and the two non-characters that
# are invalid in XML: nothing printable, and invalid in the HTML and feed they would end up in.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_UTF16_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
               (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


# Lines are counted as the splitter counts them: CRLF, lone CR and LF each end one.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")


def _line_at(data: bytes, offset: int) -> int:
    return len(_LINE_BREAK_BYTES.findall(data, 0, offset)) + 1


def _decode_bytes(data: bytes) -> tuple[str, str | None]:
    """(text, a note saying how it was converted when it was not UTF-8)."""
    for bom, encoding in _UTF16_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), f"decoded as {encoding.upper()} (not UTF-8)"
            except UnicodeDecodeError as err:
                raise SplitError(_line_at(data, err.start), f"not valid {encoding.upper()} text "
                                                            f"(it starts with a {encoding.upper()} byte order mark)") from None
    if b"\x00" in data:
        nul = data.index(b"\x00")
        text = _bomless_utf16(data)
        if text is not None:
            return text, "decoded as UTF-16 without byte order mark (not UTF-8)"
        raise SplitError(_line_at(data, nul), f"binary data, not a text export (NUL byte at offset {nul})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start
    else:
        repaired = _repair_mojibake(text)
        return (repaired, "repaired mojibake: GBK text that had been saved as UTF-8 through Latin-1") \
            if repaired else (text, None)
    # Not UTF-8. GB18030 (a superset of GBK and GB2312) and Big5 decode almost any byte string
    # without an error, so the candidate whose text is made of the common characters of Chinese
    # wins; UTF-8 with a few damaged bytes also stays UTF-8 (and is reported, not mis-decoded).
    candidates = [("UTF-8", data.decode("utf-8-sig", errors="replace"))]
    for encoding in ("gb18030", "big5"):
        try:
            candidates.append((encoding.upper(), data.decode(encoding)))
        except UnicodeDecodeError:
            pass
    encoding, text = max(candidates, key=lambda c: _plausibility(c[1]))
    if encoding == "UTF-8":
        line = _line_at(data, first_bad)
        column = first_bad - max(data.rfind(b"\n", 0, first_bad), data.rfind(b"\r", 0, first_bad))
        raise SplitError(line, f"not UTF-8 text (invalid byte 0x{data[first_bad]:02X} at byte {column} of the "
                               f"line), and not GB18030 or Big5 either; save the file as UTF-8")
    return text, f"decoded as {encoding} (not UTF-8)"


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte order mark (line feeds are `0A 00` or `00 0A`), or None.

    Only a decoding made of common characters counts: binary data with NULs decodes too, into
    rare ideographs and noise.
    """
    if len(data) % 2 or (b"\n\x00" not in data and b"\x00\n" not in data):
        return None
    decoded = []
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            decoded.append((_plausibility(text), text))
    best = max(decoded, default=None, key=lambda d: d[0])
    return best[1] if best and best[0] >= 0.9 else None


_LATIN1_MOJIBAKE = re.compile(r"[\u00a1-\u00ff]")


def _repair_mojibake(text: str) -> str | None:
    """GBK bytes once read as Latin-1/cp1252 and saved as UTF-8 (`ÃñÈº`): the repaired text, or None.

    Repaired only when the text has no Chinese at all, is mostly Latin-1 letters, and turns
    losslessly into common Chinese characters; anything else is taken as written.
    """
    letters = _LATIN1_MOJIBAKE.findall(text[:200_000])
    if len(letters) < 20 or _plausibility(text) > 0.3:
        return None
    for latin in ("cp1252", "latin-1"):
        try:
            repaired = text.encode(latin).decode("gb18030")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if _plausibility(repaired) >= 0.9:
            return repaired
    return None


@lru_cache(maxsize=1)
def _common_characters() -> frozenset[str]:
    """The characters most Chinese text is made of: the 3,755 level-1 hanzi of GB2312, the 5,401
    common hanzi of Big5, and both standards' punctuation and full-width forms."""
    chars: set[str] = set()

    def add(encoding: str, leads, trails) -> None:
        for lead in leads:
            for trail in trails:
                try:
                    chars.add(bytes((lead, trail)).decode(encoding))
                except UnicodeDecodeError:
                    pass

    add("gb2312", [0xA1, 0xA3, *range(0xB0, 0xD8)], range(0xA1, 0xFF))
    add("big5", range(0xA1, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])
    return frozenset(chars)


def _plausibility(text: str) -> float:
    """Share of the non-ASCII characters of `text` that are common in Chinese text (1.0: all)."""
    sample = [c for c in text[:200_000] if ord(c) > 0x7F and not c.isspace()]
    if not sample:
        return 1.0 if "\ufffd" not in text else 0.0
    common = _common_characters()
    return sum(c in common for c in sample) / len(sample)
