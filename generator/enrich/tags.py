"""Topic tags: curated topics (generator/data/topics.yml) first, then keywords that jieba TF-IDF
finds against the archive itself, with the domain stop list (generator/data/stopwords.txt) and the
archive's most common words kept out.
"""
from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..parallel import fork_map
from ..sitedata import data_digest, forget_on_change, site_file
from ..lang.segment import DATA_DIR, dictionary_key, get_jieba, load_topics, word_tags


MIN_TAGS, MAX_TAGS = 3, 8
MAX_TOPICS = 5
MAX_KEYWORDS = 3  # keywords only complete the curated topics
# Words this frequent in jieba's general dictionary (先生, 信息, 要求 …) say nothing about a topic.
GENERAL_FREQUENCY_LIMIT = 2000
TITLE_WEIGHT = 3  # a word in the headline counts as much as three in the body
COMMON_SHARE = 0.25  # a word in more than this share of the archive's articles is no topic
COMMON_MIN_DOCUMENTS = 20  # ... once the archive is large enough for shares to mean something
# jieba tags of words that can name a topic: nouns, verbal nouns, abbreviations, idioms of the trade.
_TOPIC_TAGS = ("n", "vn", "j", "nz", "l")
_NOT_TOPIC_TAGS = ("nr", "ns", "nt", "nrt", "nrfg")
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")
PARALLEL_MIN_DOCUMENTS = 500  # below this, starting worker processes costs more than it saves


@forget_on_change
@lru_cache(maxsize=1)
def load_stopwords() -> frozenset[str]:
    """generator/data/stopwords.txt, plus the site's own `data/stopwords.txt` (a line `-词`
    takes a word off the generator's list)."""
    words = set(_read_words(DATA_DIR / "stopwords.txt"))
    site = site_file("stopwords.txt")
    for word in _read_words(site) if site is not None else ():
        if word.startswith("-"):
            words.discard(word[1:].strip())
        else:
            words.add(word)
    return frozenset(words)


def _read_words(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    return [word for word in (line.split("#", 1)[0].strip() for line in text.splitlines()) if word]


@dataclass
class DocumentFrequencies:
    """How many articles use each candidate word, kept between imports (see `vocabulary_key`).

    `words` holds each counted text's distinct candidate words (space-separated, by text hash),
    so that the counts follow the archive as articles come and go without segmenting it again."""

    words: dict[str, str] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    counted: set[str] = field(default_factory=set)  # hashes of the texts in `counts`

    def update(self, texts: dict[str, str], words_of) -> None:
        """Count exactly `texts` (hash -> text); `words_of(list of texts)` segments new ones."""
        unseen = [h for h in texts if h not in self.words]
        for digest, words in zip(unseen, words_of([texts[h] for h in unseen])):
            self.words[digest] = " ".join(sorted(set(words)))
        for digest in self.counted - texts.keys():
            self.counts.subtract(self.words[digest].split())
        for digest in texts.keys() - self.counted:
            self.counts.update(self.words[digest].split())
        self.counts = +self.counts  # drop words no article uses any more
        self.counted = set(texts)
        self.words = {h: self.words[h] for h in texts}


def text_digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def vocabulary_key() -> str:
    """Changes whenever the words a text yields could change: dictionary, topics, stop list, rules."""
    digest = hashlib.sha1(dictionary_key().encode("utf-8"))
    for path in (DATA_DIR / "topics.yml", DATA_DIR / "stopwords.txt", Path(__file__)):
        digest.update(path.read_bytes())
    digest.update(data_digest().encode("utf-8"))
    return digest.hexdigest()


class Tagger:
    """Tags for articles, with document frequencies taken from the whole archive.

    Pass the `frequencies` of the previous import to segment only the texts that are new."""

    def __init__(self, documents: Iterable[str], frequencies: DocumentFrequencies | None = None):
        self._tokenizer = get_jieba()
        self._tags = word_tags()
        self._topics = load_topics()
        self._stop = load_stopwords()
        self._trigger_words = {t for triggers in self._topics.values() for t in triggers} | set(self._topics)
        self._cache: dict[str, list[str]] = {}
        self.frequencies = frequencies if frequencies is not None else DocumentFrequencies()
        texts = {text_digest(d): d for d in documents}
        self.frequencies.update(texts, self._words_of_all)
        self._df = self.frequencies.counts
        self._documents = len(texts)
        self._common = frozenset()
        if self._documents >= COMMON_MIN_DOCUMENTS:
            limit = COMMON_SHARE * self._documents
            self._common = frozenset(w for w, n in self._df.items() if n > limit)

    def _words_of_all(self, texts: list[str]) -> list[list[str]]:
        self._tokenise_all(texts)
        return [self._words(text) for text in texts]

    def tags(self, title: str, body: str, units: list[str] = ()) -> list[str]:
        """3 to 8 tags, most relevant first (fewer only when the article has fewer words to offer)."""
        title, body = title or "", body or ""
        chosen = self._topic_tags(title, body)[:MAX_TOPICS]
        limit = min(MAX_TAGS, max(MIN_TAGS, len(chosen) + MAX_KEYWORDS))
        unit_text = "".join(units)
        # Strict pass first (specific words that recur here and elsewhere in the archive); the
        # looser passes only fill a short article up to the minimum.
        for strict in (True, False):
            if not strict and len(chosen) >= MIN_TAGS:
                break
            for word in self._keywords(title, body, unit_text, strict):
                if len(chosen) >= (limit if strict else MIN_TAGS):
                    break
                if not any(word in tag or tag in word for tag in chosen):
                    chosen.append(word)
        return chosen[:MAX_TAGS]

    # --- curated topics --------------------------------------------------------------------------

    def _topic_tags(self, title: str, body: str) -> list[str]:
        scored = []
        for topic, triggers in self._topics.items():
            in_title = sum(title.count(t) for t in triggers)
            in_body = sum(body.count(t) for t in triggers)
            if in_title or in_body >= 2:
                scored.append((-(TITLE_WEIGHT * in_title + in_body), topic))
        return [topic for _, topic in sorted(scored)]

    # --- TF-IDF keywords -------------------------------------------------------------------------

    def _keywords(self, title: str, body: str, unit_text: str, strict: bool) -> list[str]:
        counts = Counter(self._words(body))
        title_words = set(self._words(title))
        for word in title_words:
            counts[word] += TITLE_WEIGHT
        total = sum(counts.values()) or 1
        scored = []
        for word, count in counts.items():
            if word in self._common or word in self._trigger_words or word in unit_text:
                continue
            df = self._df.get(word, 0)
            if strict and (df < 2 or (count < 2 and word not in title_words)
                           or self._tokenizer.FREQ.get(word, 0) > GENERAL_FREQUENCY_LIMIT):
                continue  # a word no other article uses makes a tag page of one
            idf = math.log((self._documents + 1) / (df + 1)) + 1
            scored.append((-(count / total) * idf, word))
        return [word for _, word in sorted(scored)]

    def _tokenise_all(self, documents: list[str]) -> None:
        """Fill the word cache for many texts on every core: jieba is pure Python and the one
        slow step (about 0.3 MB of text a second a core)."""
        todo = sorted({d for d in documents if d not in self._cache})
        words = fork_map(_candidate_words, todo, self, min_items=PARALLEL_MIN_DOCUMENTS, chunk=64)
        self._cache.update(zip(todo, words))

    def _words(self, text: str) -> list[str]:
        """Candidate topic words of a text, tokenised once per distinct text."""
        cached = self._cache.get(text)
        if cached is None:
            cached = [w for w in self._tokenizer.lcut(text, HMM=False) if self._is_candidate(w)]
            self._cache[text] = cached
        return cached

    def _is_candidate(self, word: str) -> bool:
        if word in self._stop or not _CJK_WORD.match(word):
            return False
        tag = self._tags.get(word)
        if tag is None:
            return word in self._trigger_words or len(word) >= 3  # domain words added to jieba
        return tag.startswith(_TOPIC_TAGS) and not tag.startswith(_NOT_TOPIC_TAGS)


def _candidate_words(tagger: Tagger, text: str) -> list[str]:
    """Worker: candidate words of one text (the forked tagger shares the loaded tokenizer)."""
    return tagger._words(text)
