"""Bylines: `记者 曹梦溪 通讯员 代瑜 王青`, photo credits `■通讯员 卢飞 摄`, run-together names."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ..records import Byline

REPORTER_ROLES = ("本报记者", "特约记者", "见习记者", "实习记者", "记者", "实习生",
                  # Traditional-character exports of the same page print the same roles.
                  "本報記者", "特約記者", "見習記者", "實習記者", "記者", "實習生")
CORRESPONDENT_ROLES = ("特约通讯员", "通讯员", "特約通訊員", "通訊員")
PHOTO_MARK = "■"
PHOTO_SUFFIXES = ("摄", "攝")
PHOTO_SUFFIX = PHOTO_SUFFIXES[0]
# A byline is a short line; a longer tail is never tried as one (this also keeps a garbled line
# full of role words from being re-parsed at every space, which would take quadratic time).
MAX_BYLINE_CHARS = 600
_ROLES = sorted(REPORTER_ROLES + CORRESPONDENT_ROLES, key=len, reverse=True)
_ROLE_RE = "|".join(_ROLES)
# Name characters: ideographs of every block (Extension B `𠮷` included) and the look-alikes PDF
# exports put in their place (Kangxi radicals `⼩`, compatibility ideographs `金`); a middle dot
# joins the parts of a transliterated name (`买买提·艾力`), printed as `·`, `•`, `・` or `‧`.
_IDEOGRAPH = "\u3400-\u9fff\uf900-\ufaff\u2e80-\u2fdf\U00020000-\U0003ffff"
_NAME_DOTS = "·•・‧･.．"
_NAME = re.compile(rf"^[{_IDEOGRAPH}][{_IDEOGRAPH}{_NAME_DOTS}]{{1,9}}$")
_LOOK_ALIKE = re.compile("[\u2e80-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")
_DOT = re.compile(f"[{_NAME_DOTS}]")
# The longest personal name we accept as one token; longer tokens are names run together.
MAX_NAME_LENGTH = 4


def parse_byline(text: str) -> Byline | None:
    """Parse a whole byline or photo credit; None when `text` is anything else."""
    if len(text) > MAX_BYLINE_CHARS or not _MAY_BE_BYLINE.match(text):
        return None  # the splitter asks about every line; most start with no role word
    text = re.sub(r"\s+", " ", text.strip())
    rest = _ROLE_COLON.sub(r"\1 ", text)  # `记者：王小明`
    is_photo = rest.startswith(PHOTO_MARK)
    rest = rest.lstrip(PHOTO_MARK).strip()
    tokens = [t for t in re.split(r"[ 、]+", rest) if t]
    if tokens and tokens[-1] in PHOTO_SUFFIXES:
        is_photo = True
        tokens.pop()
    if not tokens or tokens[0] not in _ROLES:
        return None
    byline = Byline(raw=text)
    role = None
    names_in_role = 0
    for token in tokens:
        if token in _ROLES:
            if role is not None and names_in_role == 0:
                return None
            role, names_in_role = token, 0
            continue
        if not _NAME.match(token) or _DOT.match(token[-1]):
            return None
        token = normalise_name(token)
        names_in_role += 1
        if is_photo:
            byline.photographers.append(token)
        elif role in REPORTER_ROLES:
            byline.reporters.append(token)
        else:
            byline.correspondents.append(token)
    return byline if names_in_role else None


def normalise_name(name: str) -> str:
    """A name as it should read: PDF look-alike characters (Kangxi radicals, compatibility
    ideographs) become the ideographs they stand for, every middle dot becomes `·`."""
    name = _LOOK_ALIKE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), name)
    return _DOT.sub("·", name)


# A byline starts with a role word, after an optional photo mark: a cheap test before parsing.
_MAY_BE_BYLINE = re.compile(rf"^[\s{re.escape(PHOTO_MARK)}]*(?:{_ROLE_RE})")
_ROLE_COLON = re.compile(rf"(?<![\u4e00-\u9fff])({_ROLE_RE})\s*[:：]\s*")
_TRAILING_START = re.compile(rf"\s(?={PHOTO_MARK}|(?:{_ROLE_RE})\s*[ :：])"
                             # `…供认不讳。记者：王小明`: the colon marks the byline without a space
                             rf"|(?<=[。！？”])(?=(?:{_ROLE_RE})\s*[:：])")


def split_trailing_byline(line: str) -> tuple[str, Byline] | None:
    """`…供认不讳。 通讯员 付哲` -> ("…供认不讳。", Byline). None when the line has no trailing byline."""
    for match in _TRAILING_START.finditer(line, max(0, len(line) - MAX_BYLINE_CHARS - 1)):
        body, tail = line[: match.start()].rstrip(), line[match.end():]
        byline = parse_byline(tail)
        if byline and body:
            return body, byline
    return None


def split_run_together(name: str, known: set[str]) -> list[str]:
    """`张艳付哲` -> [`张艳`, `付哲`] when the parts are names seen elsewhere in the archive.

    A token is split only if it is longer than a plausible single name or every part but at most
    one is a known name; otherwise it is kept (four-character names exist).
    """
    if len(name) < 4 or name in known or "·" in name:
        return [name]
    best: list[str] | None = None
    best_score = 0
    for parts in _partitions(name):
        known_parts = sum(part in known for part in parts)
        if known_parts == 0 or known_parts < len(parts) - 1:
            continue
        score = known_parts * 10 - len(parts)
        if score > best_score:
            best, best_score = parts, score
    return best or [name]


def _partitions(name: str, min_len: int = 2, max_len: int = 3) -> Iterable[list[str]]:
    if not name:
        yield []
        return
    for size in range(min_len, max_len + 1):
        if size <= len(name):
            for rest in _partitions(name[size:], min_len, max_len):
                yield [name[:size], *rest]


def resolve_names(byline: Byline, known: set[str]) -> Byline:
    """Split run-together names in every role using the archive's known names."""
    def fix(names: list[str]) -> list[str]:
        return [part for name in names for part in split_run_together(name, known)]

    return Byline(fix(byline.reporters), fix(byline.correspondents), fix(byline.photographers), byline.raw)


def plausible_single_names(bylines: Iterable[Byline]) -> set[str]:
    return {name for b in bylines for name in b.names() if 2 <= len(name) <= 3}
