"""Topic tags: curated topics (generator/data/topics.yml) first, then keywords that jieba TF-IDF
finds against the archive itself, with the domain stop list (generator/data/stopwords.txt) and the
archive's most common words kept out.

A tag is a topic a reader browses by. A keyword becomes a tag only when it passes the topic test
(`is_topic_word`): a noun that names a thing or a field, by its part of speech in jieba's dictionary
(the table jieba.posseg tags dictionary words with) and the stop list; never a verb, adverb,
adjective, idiom, function word, evaluative or abstract word, and never a person, place or
organisation name (units and people have their own pages). A keyword that only one article uses
stays in that article's front matter; the site gives it a page once a second article uses it
(`TopicVocabulary.has_page`), and `topic_proposals` lists the frequent ones for editors to make
curated topics of.
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
from ..lang.segment import DATA_DIR, dictionary_key, get_jieba, load_topics, topic_synonyms, word_tags


MIN_TAGS, MAX_TAGS = 3, 8
MAX_TOPICS = 5
MAX_KEYWORDS = 3  # keywords only complete the curated topics
# Words this frequent in jieba's general dictionary (内容, 对方, 时代, 学生 …) are everyday words
# that say nothing about a topic; the words that do (电动车, 燃气, 警车) are far rarer.
GENERAL_FREQUENCY_LIMIT = 1000
TITLE_WEIGHT = 3  # a word in the headline counts as much as three in the body
COMMON_SHARE = 0.25  # a word in more than this share of the archive's articles is no topic
COMMON_MIN_DOCUMENTS = 20  # ... once the archive is large enough for shares to mean something
# jieba tags of words that can name a topic: nouns and other proper nouns of the trade; "j"
# (abbreviations) only from three characters (冬奥会), since two-character ones are mostly verbs
# or bodies (深化, 党委). Not "vn" (启动, 排查, 优化: actions), "l"/"i" (idioms), "a"/"d" …
_TOPIC_TAGS = ("n", "nw")
_ABBREVIATION_TAG = "j"
_NOT_TOPIC_TAGS = ("nr", "ns", "nt", "nrt", "nrfg", "nz", "ng")
# Endings of abstract nouns: qualities and measures (积极性, 执行力, 安全感, 满意度, 破案率),
# and -化 words, which are processes (深化, 优化, 常态化).
_ABSTRACT_ENDINGS = ("性", "力", "感", "度", "率", "化", "观", "意识")
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
    # One or more words a line, `#` starts a comment.
    return [word for line in text.splitlines() for word in line.split("#", 1)[0].split()]


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
        self._names_of: dict[str, tuple[str, ...]] = {}
        for name, topic in topic_synonyms().items():
            self._names_of[topic] = self._names_of.get(topic, ()) + (name,)
        self._trigger_words = {t for triggers in self._topics.values() for t in triggers} | set(self._topics)
        # Every word a trigger or a name of a topic: counted once per text, not once per topic.
        self._counted_words = tuple(sorted(self._trigger_words | {n for names in self._names_of.values()
                                                                    for n in names}))
        self._cache: dict[str, list[str]] = {}
        # The topic test depends on the word alone, and an archive repeats its words millions
        # of times: each distinct word is judged once.
        self._candidate = _Memo(self._judge_candidate)
        self._recent_counts: dict[str, dict[str, int]] = {}
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
        """Up to 8 tags, most relevant first: curated topics, then keywords that pass the topic
        test. At least 3 when the article offers that many topics; a short brief may offer fewer,
        and a word that is no topic is never added just to reach the minimum."""
        title, body = title or "", body or ""
        chosen = self._topic_tags(title, body)[:MAX_TOPICS]
        limit = min(MAX_TAGS, max(MIN_TAGS, len(chosen) + MAX_KEYWORDS))
        unit_text = "".join(units)
        # Strict pass first (words that recur here and that another article uses too, so the tag
        # has a page). The later passes only fill a short article up to the minimum: first the
        # curated topics it mentions once, then words that are topics but that no other article
        # uses yet.
        passes = (self._keywords(title, body, unit_text, strict=True),
                  self._topic_tags(title, body, passing=True),
                  self._keywords(title, body, unit_text, strict=False))
        for number, candidates in enumerate(passes):
            if number and len(chosen) >= MIN_TAGS:
                break
            if number == len(passes) - 1 and not chosen:
                # Nothing else: a topic one of whose trigger words the article prints once is
                # still better than an article no tag leads to.
                candidates = self._topic_tags(title, body, passing=True, by_trigger=True) + candidates
            for word in candidates:
                if len(chosen) >= (limit if number == 0 else MIN_TAGS):
                    break
                if not any(word in tag or tag in word for tag in chosen):
                    chosen.append(word)
        return chosen[:MAX_TAGS]

    # --- curated topics --------------------------------------------------------------------------

    def _topic_tags(self, title: str, body: str, passing: bool = False, by_trigger: bool = False) -> list[str]:
        """Curated topics the article is about (a trigger word in its title, or more than once in
        its body); with `passing`, those it only mentions once in its body."""
        scored = []
        title_counts, body_counts = self._trigger_counts(title), self._trigger_counts(body)
        for topic, triggers in self._topics.items():
            if passing and not by_trigger:  # a passing mention counts when it names the topic
                triggers = self._names_of.get(topic, (topic,))
            in_title = sum([title_counts.get(t, 0) for t in triggers])
            in_body = sum([body_counts.get(t, 0) for t in triggers])
            if (in_title or in_body >= 2) if not passing else (not in_title and in_body == 1):
                scored.append((-(TITLE_WEIGHT * in_title + in_body), topic))
        return [topic for _, topic in sorted(scored)]

    def _trigger_counts(self, text: str) -> dict[str, int]:
        """How often each trigger word or topic name occurs in `text` (str.count's non-overlapping
        count), only those that occur; kept for the last few texts, since the passes over one
        article ask for its title's and body's again."""
        counts = self._recent_counts.get(text)
        if counts is None:
            if len(self._recent_counts) >= 8:
                self._recent_counts.clear()
            counts = self._recent_counts[text] = {word: count for word in self._counted_words
                                                  if (count := text.count(word))}
        return counts

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
            if count < 2 and word not in title_words:
                continue  # printed once in passing: not what the article is about
            df = self._df.get(word, 0)
            if strict and df < 2:
                continue  # a word no other article uses makes a tag page of one
            if not strict and word not in title_words:
                continue  # a tag no other article shares must at least be in the headline
            idf = math.log((self._documents + 1) / (df + 1)) + 1
            scored.append((-(count / total) * idf, word))
        return [word for _, word in sorted(scored)]

    def _tokenise_all(self, documents: list[str]) -> None:
        """Fill the word cache for many texts on every core: jieba is pure Python and the one
        slow step (about 0.3 MB of text a second a core)."""
        todo = sorted({d for d in documents if d not in self._cache})
        words = fork_map(_candidate_words, todo, self, min_items=PARALLEL_MIN_DOCUMENTS, chunk=64,
                         prepare=self._tokenizer.load_for_workers)
        self._cache.update(zip(todo, words))

    def _words(self, text: str) -> list[str]:
        """Candidate topic words of a text, tokenised once per distinct text."""
        cached = self._cache.get(text)
        if cached is None:
            candidate = self._candidate
            cached = [w for w in self._tokenizer.lcut(text, HMM=False) if candidate[w]]
            self._cache[text] = cached
        return cached

    def _judge_candidate(self, word: str) -> bool:
        return word in self._trigger_words or is_topic_word(word, self._tags, self._stop,
                                                           self._tokenizer.FREQ)


class _Memo(dict):
    """word -> judge(word), each word judged on first look-up only (a plain subscript, so the
    millions of look-ups of an import cost a dict access each)."""

    def __init__(self, judge):
        super().__init__()
        self._judge = judge

    def __missing__(self, word: str) -> bool:
        value = self[word] = self._judge(word)
        return value


def is_topic_word(word: str, tags: dict[str, str] | None = None, stop: frozenset[str] | None = None,
                  frequencies: dict[str, int] | None = None) -> bool:
    """The topic test of a keyword: a noun naming a thing or a field, not an everyday word.

    `tags` are jieba's parts of speech (`word_tags()`), `frequencies` its general dictionary
    counts; both default to the shared tokenizer's."""
    tags = word_tags() if tags is None else tags
    stop = load_stopwords() if stop is None else stop
    frequencies = get_jieba().FREQ if frequencies is None else frequencies
    if word in stop or not _CJK_WORD.match(word) or word.endswith(_ABSTRACT_ENDINGS):
        return False
    tag = tags.get(word)
    if tag is None:
        # Not in jieba's dictionary: a word this project taught jieba (topic triggers and police
        # terms are handled by the caller), or a name; neither is a keyword.
        return False
    if tag == _ABBREVIATION_TAG:
        noun = len(word) >= 3
    else:
        noun = tag.startswith(_TOPIC_TAGS) and not tag.startswith(_NOT_TOPIC_TAGS)
    return (noun and frequencies.get(word, 0) <= GENERAL_FREQUENCY_LIMIT
            and not _is_verbal_compound(word, tags))


_VERB_TAGS = ("v", "vg", "vn", "vd")


def _is_verbal_compound(word: str, tags: dict[str, str]) -> bool:
    """Verbs jieba's dictionary lists as nouns, told by how the word is built (a Chinese compound's
    head is its last part): two verbs (整治, 督导), a verb or adverb head (充分发挥), or a verb and
    its object (燃放烟花). A verb with a one-character noun head stays a noun (巡逻车)."""
    if len(word) == 2:
        return all(tags.get(char, "").startswith(_VERB_TAGS) for char in word)
    head = next((word[i:] for i in range(1, len(word)) if word[i:] in tags), None)
    if head is not None and tags[head].startswith(_VERB_TAGS + ("a", "d")):
        return True
    if len(word) >= 4:
        lead = next((word[:i] for i in range(len(word) - 1, 1, -1) if word[:i] in tags), None)
        if lead is not None and len(word) - len(lead) >= 2 and tags[lead].startswith(_VERB_TAGS) \
                and tags.get(word[len(lead):], "").startswith("n"):
            return True
    return False


def _candidate_words(tagger: Tagger, text: str) -> list[str]:
    """Worker: candidate words of one text (the forked tagger shares the loaded tokenizer)."""
    return tagger._words(text)


# --- the site's view of tags -----------------------------------------------------------------------

@dataclass(frozen=True)
class TopicVocabulary:
    """The curated topics and their synonyms, as the site shows tags.

    A tag printed as a synonym is shown as its topic (one topic, one page). A curated topic always
    has a page; a keyword (a Chinese word, the only kind of tag the tagger makes besides topics)
    gets one only when at least `min_articles` articles use it: a page listing one article helps
    nobody navigate. A tag in a form the tagger never makes (Latin letters, digits, punctuation)
    was typed by a person and has its page from the first article."""

    names: dict[str, str]  # every name of a curated topic -> the topic
    min_articles: int = 2

    @classmethod
    def default(cls) -> "TopicVocabulary":
        return cls(dict(topic_synonyms()))

    def fold(self, tag: str) -> str:
        return self.names.get(tag, tag)

    def is_topic(self, tag: str) -> bool:
        return self.names.get(tag) == tag

    def has_page(self, tag: str, articles: int) -> bool:
        return self.is_topic(tag) or articles >= self.min_articles or not _CJK_WORD.match(tag)


# --- proposals for editors ------------------------------------------------------------------------

PROPOSAL_MIN_ARTICLES = 3  # a keyword this many articles share is worth a curated topic


def topic_proposals(content_dir: Path, min_articles: int = PROPOSAL_MIN_ARTICLES,
                    vocabulary: TopicVocabulary | None = None) -> list[dict]:
    """Frequent tags that are not curated topics yet, for `build.py review`: each one an item
    {kind: "topic", path, line, message, detail}, the path and line of the `tags:` key of the
    first article (in archive order) that uses it, most used first.

    An editor who keeps the word adds it to generator/data/topics.yml (as a topic, or as a
    synonym of one); one who does not removes it from the articles' `tags`."""
    from ..content import load_content  # the content layer reads the files; imported lazily

    vocabulary = vocabulary or TopicVocabulary.default()
    content = load_content(Path(content_dir))
    users: dict[str, list] = {}
    for article in content.articles:
        for tag in dict.fromkeys(vocabulary.fold(t.strip()) for t in article.tags):
            if tag and not vocabulary.is_topic(tag):
                users.setdefault(tag, []).append(article)
    items = []
    for tag, articles in sorted(users.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if len(articles) < min_articles:
            continue
        first = articles[0]
        items.append({
            "kind": "topic",
            "path": first.path,
            "line": _tags_line(Path(content_dir) / first.path),
            "message": f"标签「{tag}」用于 {len(articles)} 篇文章，但还不是 topics.yml 里的主题",
            "detail": "articles: " + ", ".join(a.path for a in articles)
                      + "; keep it: add it to generator/data/topics.yml (a topic, or a synonym of one);"
                        " drop it: remove it from these articles' tags",
        })
    return items


def _tags_line(path: Path) -> int:
    """1-based line of the `tags:` key in an article's front matter (1 when it cannot be read)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((number for number, line in enumerate(lines, 1) if line.startswith("tags:")), 1)
