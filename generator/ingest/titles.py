"""Titles for items printed without a headline: a short real phrase from the first sentence."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..lang.segment import loaded_for_workers, word_tags

MAX_TITLE_CHARS = 22
KEEP_WHOLE_CHARS = 26  # a clause up to this long reads better whole than cut
MIN_CLAUSE_CHARS = 6
# A title comes from the first sentence; reading further only costs time (a seed line of megabytes
# without punctuation would otherwise be scanned and segmented whole).
TITLE_SOURCE_CHARS = 400
_SENTENCE_END = "。！？!?"
_CLAUSE_BREAK = "，；：,;:"
_OPEN_QUOTES, _CLOSE_QUOTES = "“‘「『《（(", "”’」』》）)"
# Clauses that only set the time ("近日", "2022年春节期间") say nothing about the story.
_TIME_WORDS = ("近日|日前|近期|目前|当天|当日|今年|去年|期间|假期|以来|前夕|之际|"
               # times of day and parts of a month: `5月9日上午`, `当日傍晚`, `6时许`
               "上午|下午|中午|早上|早晨|清晨|傍晚|凌晨|晚上|夜间|深夜|夜里|当晚|昨晚|今晚|时许|分许|"
               "上旬|中旬|下旬|月初|月底|月末|年初|年底|年末")
_TIME_CLAUSE = re.compile(rf"({_TIME_WORDS}|\d+[年月日时分])$")
# A time phrase opening a clause without a comma (`5月9日上午民警…`) is skipped too.
_LEADING_TIME = re.compile(r"^(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)(?:(?:上午|下午|中午|早上|早晨|清晨|傍晚|凌晨|"
                           r"晚上|夜间|深夜|晚)(?:\d{1,2}时(?:\d{1,2}分)?许?)?)?")
# A clause that only says why (`为进一步提升群众安全感，…`) names no one doing anything.
_PURPOSE_CLAUSE = re.compile(r"^为")
_INNER_TIME = re.compile(r"(近日|日前|近期|当天|当日)")
# Part-of-speech tags of a last word that leaves a cut title hanging: a verb without its object,
# an adverb, a preposition, a conjunction, a particle.
_HANGING_TAGS = ("v", "d", "p", "c", "u", "ad")
# Adverbs of official prose that jieba's dictionary tags as nouns or adjectives.
_HANGING_WORDS = {"全面", "积极", "深入", "持续", "进一步", "切实", "扎实", "大力", "认真", "不断", "广泛", "集中"}
# Words a title must not end on: they leave the phrase hanging.
_DANGLING = set("的了在和与及对为将把被等向从给以于并其之或而且也都就")


def load_for_workers() -> None:
    """Load the part-of-speech tagger (and jieba with it) before the splitting workers fork:
    loading it costs about a second, which every worker would otherwise pay again."""
    _tagger()
    loaded_for_workers(_tagger.cache_clear)


@lru_cache(maxsize=1)
def _tagger():
    """jieba's part-of-speech tagger over the project's tokenizer, with the dictionary's tags
    from the cache (`word_tags`, the same table posseg reads from jieba's dictionary file)."""
    posseg = _posseg_module()
    tagger = posseg.POSTokenizer.__new__(posseg.POSTokenizer)
    tagger.tokenizer = _tokenizer().python_tokenizer()  # posseg needs jieba's own tokenizer
    tagger.word_tag_tab = dict(word_tags())  # posseg adds user words' tags to its table
    return tagger


def _posseg_module():
    """`jieba.posseg`, imported without its module-level default tagger reading jieba's whole
    dictionary (half a second) for tags nobody here asks it for: that tagger gets an empty
    table while the module loads. Only our own tagger (above) is ever used."""
    import sys

    if "jieba.posseg" not in sys.modules:
        import io

        import jieba

        jieba.dt.get_dict_file = lambda: io.BytesIO(b"")
        try:
            import jieba.posseg  # noqa: F401
        finally:
            del jieba.dt.get_dict_file
    return sys.modules["jieba.posseg"]


@lru_cache(maxsize=1)
def _tokenizer():
    from ..lang.segment import get_jieba

    return get_jieba()


def _clauses(paragraph: str) -> list[str]:
    """Clauses of the first sentence, never breaking inside quotes or brackets."""
    clauses, current, depth = [], "", 0
    for char in paragraph:
        if char in _OPEN_QUOTES:
            depth += 1
        elif char in _CLOSE_QUOTES:
            depth = max(0, depth - 1)
        if depth == 0 and (char in _CLAUSE_BREAK or char in _SENTENCE_END):
            clauses.append(current.strip())
            current = ""
            if char in _SENTENCE_END:
                break
            continue
        current += char
    if current.strip():
        clauses.append(current.strip())
    return [c for c in clauses if c]


def _balanced(text: str) -> bool:
    return all(text.count(o) == text.count(c) for o, c in zip(_OPEN_QUOTES, _CLOSE_QUOTES))


def _shorten(clause: str) -> str:
    """Cut a long clause at the last word boundary that keeps it short, whole and balanced."""
    words = list(_tagger().cut(clause))
    best = ""
    whole: list[str] = []  # cuts that do not leave a verb hanging, shortest first
    text = ""
    for index, pair in enumerate(words):
        text += pair.word
        if len(text) > MAX_TITLE_CHARS:
            break
        if len(text) >= MIN_CLAUSE_CHARS and _balanced(text) and text[-1] not in _DANGLING:
            best = text
            # A verb whose object is cut off (`走进辖区小学开展`) leaves the phrase hanging.
            hangs = index + 1 < len(words) and (pair.word in _HANGING_WORDS or
                                                pair.flag.startswith(_HANGING_TAGS) and pair.flag != "vn")
            if not hangs:
                whole.append(text)
    # The longest of them that says what happened (tagging each cut is the costly part: from the
    # longest down, the first with a verb ends the search).
    best_whole = next((cut for cut in reversed(whole) if _has_verb(cut)), "")
    return best_whole or best or clause[:MAX_TITLE_CHARS]


@dataclass(frozen=True)
class GeneratedTitle:
    title: str
    doubt: str | None = None  # why the title may not say what happened, in plain words


def generate_title(paragraph: str) -> str:
    return generate_title_checked(paragraph).title


@lru_cache(maxsize=256)
def _has_verb(clause: str) -> bool:
    """Does the clause say what someone did? (jieba's part-of-speech tags; titles are few)."""
    return any(pair.flag.startswith("v") and pair.flag != "vn" for pair in _tagger().cut(clause))


def _strip_leading_time(clause: str) -> str:
    rest = _LEADING_TIME.sub("", clause, count=1)
    return rest if len(rest) >= MIN_CLAUSE_CHARS else clause


def generate_title_checked(paragraph: str) -> GeneratedTitle:
    """A title for an item printed without a headline: the first clause that says who did what.

    Clauses that only set the time (`5月9日上午`) or only say why are skipped; a clause that only
    names who (no verb) is joined to the clause that says what they did.
    """
    paragraph = re.sub(r"^图[\u2460-\u2473\d]\s*", "", paragraph.strip()[:TITLE_SOURCE_CHARS])
    clauses = _clauses(paragraph)
    if not clauses:
        return GeneratedTitle(paragraph[:MAX_TITLE_CHARS] or "无题",
                              "generated title: the item has no sentence to take it from")
    clauses = [_strip_leading_time(c) for c in clauses]
    usable = [i for i, c in enumerate(clauses) if len(c) >= MIN_CLAUSE_CHARS and c[0] not in _OPEN_QUOTES[:2]
              and not _TIME_CLAUSE.search(c)]
    telling = [i for i in usable if not (_PURPOSE_CLAUSE.match(clauses[i]) and i < len(clauses) - 1)]
    if not usable:
        clause = max(clauses, key=len)
        return GeneratedTitle(_fit(clause), "generated title: no clause of the first sentence says what happened")
    at = (telling or usable)[0]
    clause = clauses[at]
    if not _has_verb(clause):
        # `市公安局某某大队、某某派出所民辅警` names who; what they did follows.
        following = next((clauses[i] for i in usable if i > at and _has_verb(clauses[i])), None)
        if following is None:
            return GeneratedTitle(_fit(clause), "generated title: names who, but not what happened")
        subject = clause
        if len(subject) + len(following) > KEEP_WHOLE_CHARS:
            subject = re.split(r"[、和与及]", subject)[-1]  # the last of several units is the one acting
        clause = subject + following
    title = _fit(clause)
    if not _has_verb(title):
        return GeneratedTitle(title, "generated title: names who, but not what happened")
    return GeneratedTitle(title)


def _fit(clause: str) -> str:
    """The clause, or a cut of it short enough for a title that still says what happened: of
    several units named first (`某大队、某派出所民警近日走进…`) the last is kept."""
    if len(clause) <= KEEP_WHOLE_CHARS:
        return clause
    short = _shorten(clause)
    if _has_verb(short):
        return short
    tail = _INNER_TIME.sub("", clause.split("、")[-1])
    if tail != clause and len(tail) >= MIN_CLAUSE_CHARS:
        shorter = tail if len(tail) <= KEEP_WHOLE_CHARS else _shorten(tail)
        if _has_verb(shorter):
            return shorter
    return short
