"""One shared, quiet jieba tokenizer whose dictionary cache lives under the build's cache folder.

jieba logs "Building prefix dict ..." to stderr on every fresh process and rebuilds its prefix
dictionary into the system temp dir; keeping it as a pickle under `<cache-dir>/jieba` makes later
runs load it in a fraction of a second and keeps test and build output clean. The pipeline says
which folder (`use_caches`) before anything is segmented; without one nothing is written.
"""
from __future__ import annotations

import importlib.util
import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..caches import load_store, package_versions, save_store
from ..content import load_yaml
from ..sitedata import forget_on_change, site_file


DATA_DIR = Path(__file__).resolve().parent.parent / "data"
if TYPE_CHECKING:
    import jieba


_cache_dir: Path | None = None  # <cache-dir>/jieba of the build, set by use_caches


def use_caches(caches) -> None:
    """Keep jieba's dictionary under this build's cache folder (a `Caches`). The tokenizer is
    loaded once per process: a later call changes where nothing is read any more."""
    global _cache_dir
    _cache_dir = caches.path("jieba")


def _jieba():
    # Imported on first use: a rebuild with nothing new to segment never loads jieba.
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


@lru_cache(maxsize=1)
def _dictionary_path() -> str:
    spec = importlib.util.find_spec("jieba")
    return os.path.join(os.path.dirname(spec.origin), "dict.txt")

# Domain words jieba's general dictionary lacks; without them "电信网络诈骗" or "护学岗" are cut
# into pieces and never match a topic or a search query as a whole.
_DOMAIN_WORDS = ("民辅警", "接处警", "护学岗", "反诈", "电信诈骗", "电信网络诈骗", "反电诈", "警保联控",
                 "枫桥经验", "智慧警务", "智慧公安", "义警", "警务室", "110接处警", "网络谣言", "昆仑行动",
                 "净网", "大练兵", "护校安园", "路长制")


@forget_on_change
@lru_cache(maxsize=1)
def get_jieba() -> "Segmenter":
    """The tokenizer every stage uses (same words for tagging and for search): jieba's dictionary
    with the project's words added."""
    return Segmenter(_added_words())


@lru_cache(maxsize=1)
def plain_tokenizer() -> "Segmenter":
    """A tokenizer with jieba's own dictionary only (slugs: words added for tagging must never
    move file names or URLs)."""
    return Segmenter(())


# How to drop what was loaded in this process only for worker processes to inherit.
_loaded_for_workers: list = []


def loaded_for_workers(release) -> None:
    """`release()` drops a table that was loaded before forking (the title tagger, say)."""
    if release not in _loaded_for_workers:
        _loaded_for_workers.append(release)


def release_loaded() -> None:
    """Drop what was loaded only for the import's workers (a few hundred MB of dictionaries and
    cutters) once the import is done: the build's later stages hold the site itself, and a
    cutter is loaded again if one is needed. What the import loaded in-process, lazily (one
    new issue: no workers), stays: the site stages use it."""
    while _loaded_for_workers:
        _loaded_for_workers.pop()()


class Segmenter:
    """jieba's words, cut by jieba-rs where it gives exactly jieba's cut.

    Without HMM, rjieba (the binding of jieba-rs, with jieba's dictionary built in) cuts exactly as
    jieba does, about nine times faster (tests/test_segment.py holds the two against each other
    on the real seeds and odd strings); segmenting every article was the largest cost of a build.
    With HMM (new words guessed by jieba's hidden Markov model) the two differ, so that cut is
    jieba's own. Starting jieba-rs takes a quarter of a second, more than jieba needs for a few
    articles, so the first RUST_AFTER_CHARS characters (a rebuild after one new issue) are cut by
    jieba itself: the words are the same either way."""

    RUST_AFTER_CHARS = 100_000

    def __init__(self, added: tuple[tuple[str, int], ...]):
        self._added = added
        self._fast = None
        self._python = None
        self._python_chars = 0

    def _rust(self):
        if self._fast is None:
            import rjieba

            fast = rjieba.Jieba()
            for word, frequency in self._added:
                fast.add_word(word, frequency, None)
            self._fast = fast
        return self._fast

    def python_tokenizer(self) -> "jieba.Tokenizer":
        if self._python is None:
            frequencies, total = _main_dictionary()
            tokenizer = _jieba().Tokenizer()
            tokenizer.FREQ = dict(frequencies) if self._added else frequencies
            tokenizer.total = total
            tokenizer.initialized = True
            for word, frequency in self._added:
                tokenizer.add_word(word, freq=frequency)
            self._python = tokenizer
        return self._python

    def load_for_workers(self) -> "Segmenter":
        """Load both cutters now: worker processes forked after this inherit them, instead of
        each reading the dictionary and starting jieba-rs on its own."""
        self.python_tokenizer()
        self._rust()
        loaded_for_workers(self._unload)
        return self

    def _unload(self) -> None:
        self._python = self._fast = None
        _main_dictionary.cache_clear()

    def lcut(self, text: str, HMM: bool = True) -> list[str]:  # noqa: N803 - jieba's own keyword
        if HMM or (self._fast is None and self._python_chars < self.RUST_AFTER_CHARS):
            self._python_chars += 0 if HMM else len(text)
            return self.python_tokenizer().lcut(text, HMM=HMM)
        return self._rust().cut(text, False)

    def rust_lcut(self, text: str) -> list[str]:
        """jieba-rs's cut without HMM (tests hold it against jieba's)."""
        return self._rust().cut(text, False)

    def cut(self, text: str, HMM: bool = True):  # noqa: N803
        return iter(self.lcut(text, HMM=HMM))

    @property
    def FREQ(self) -> dict[str, int]:  # noqa: N802 - jieba's name
        return self.python_tokenizer().FREQ


@forget_on_change
@lru_cache(maxsize=1)
def _added_words() -> tuple[tuple[str, int], ...]:
    """The project's words with the frequency jieba suggests for each (as jieba's add_word after
    suggest_freq would give them, one after the other), kept in the cache."""
    words = sorted(w for w in domain_vocabulary() if len(w) >= 2)  # the site's topic words too
    key = dictionary_key() + "\0" + "\0".join(words)
    path = _cache_dir / "added-words.pickle" if _cache_dir else None
    stored = load_store(path, key)
    if stored:
        return stored["words"]
    frequencies, total = _main_dictionary()
    tokenizer = _jieba().Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(frequencies), total, True
    added = []
    for word in words:
        frequency = tokenizer.suggest_freq(word, tune=False) or 1000
        tokenizer.add_word(word, freq=frequency)
        added.append((word, frequency))
    save_store(path, key, {"words": tuple(added)})
    return tuple(added)


def dictionary_key() -> str:
    stat = os.stat(_dictionary_path())
    return f"{package_versions('jieba')}-{stat.st_size}-{stat.st_mtime_ns}"


@lru_cache(maxsize=1)
def _main_dictionary() -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary, read from a pickle in <cache-dir>/jieba.

    jieba's own cache is a marshal file that takes several times longer to load than a pickle
    of the same dictionary, and every build pays for it."""
    path = _cache_dir / "dictionary.pickle" if _cache_dir else None
    stored = load_store(path, dictionary_key())
    if stored:
        return stored["frequencies"], stored["total"]
    tokenizer = _jieba().Tokenizer()
    with tempfile.TemporaryDirectory() as scratch:  # jieba writes its own cache file there
        tokenizer.tmp_dir = scratch
        tokenizer.initialize()
    save_store(path, dictionary_key(), {"frequencies": tokenizer.FREQ, "total": tokenizer.total})
    return tokenizer.FREQ, tokenizer.total


@forget_on_change
@lru_cache(maxsize=1)
def domain_vocabulary() -> frozenset[str]:
    """The words this project adds to jieba: police terms and topic triggers, never place names."""
    return frozenset(_DOMAIN_WORDS) | frozenset(topic_trigger_words())


@forget_on_change
@lru_cache(maxsize=1)
def _topics_file() -> dict:
    return load_yaml((DATA_DIR / "topics.yml").read_text(encoding="utf-8")) or {}


@forget_on_change
@lru_cache(maxsize=1)
def load_topics() -> dict[str, tuple[str, ...]]:
    """generator/data/topics.yml: topic -> the words that trigger it (its synonyms included); the
    site's own `data/topics.yml` adds topics, replaces a topic's words, or (`topic: []`) removes one."""
    data = _topics_file()
    synonyms = data.get("synonyms") or {}
    topics = {}
    for topic, triggers in (data.get("topics") or {}).items():
        words = [str(t) for t in (triggers or ())]
        words += [str(s) for s in (synonyms.get(topic) or ()) if str(s) not in words]
        topics[str(topic)] = tuple(words)
    site = site_file("topics.yml")
    if site is not None:
        for topic, triggers in _read_topics(site).items():
            if triggers:
                topics[topic] = triggers
            else:
                topics.pop(topic, None)
    return topics


@forget_on_change
@lru_cache(maxsize=1)
def topic_synonyms() -> dict[str, str]:
    """Every name of a curated topic -> the topic: the topic itself and its `synonyms` in
    topics.yml (电诈, 电信诈骗 -> 反诈). Unlike trigger words, a synonym names the same topic, so
    a tag printed as a synonym is folded into the topic wherever it is found, an editor's too."""
    data = _topics_file()
    names = {topic: topic for topic in load_topics()}  # the site's own topics included
    for topic, words in (data.get("synonyms") or {}).items():
        if str(topic) not in (data.get("topics") or {}):
            raise ValueError(f"{DATA_DIR / 'topics.yml'}: synonyms of {topic!r}, which is not a topic")
        if str(topic) not in names:
            continue  # a topic the site removed
        for word in words or ():
            names.setdefault(str(word), str(topic))
    return names


def _read_topics(path: Path) -> dict[str, tuple[str, ...]]:
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
    except Exception as exc:  # noqa: BLE001 - any failure names the editor's file
        raise ValueError(f"{path}: {exc}") from None
    topics = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(topics, dict):
        raise ValueError(f"{path}: must hold `topics:`, a mapping of tag -> [trigger words]")
    return {str(topic): tuple(str(t) for t in (triggers or ())) for topic, triggers in topics.items()}


@forget_on_change
@lru_cache(maxsize=1)
def topic_trigger_words() -> tuple[str, ...]:
    words = set()
    for topic, triggers in load_topics().items():
        words.add(topic)
        words.update(triggers)
    return tuple(sorted(words))


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """Part-of-speech tag of every word in jieba's main dictionary (e.g. 'ns' place, 'v' verb).

    Read straight from the dictionary file (jieba.posseg would tag whole texts, far slower than
    looking up the few words the unit and tag rules ask about), and kept as a pickle in the cache.
    """
    path = _cache_dir / "word-tags.pickle" if _cache_dir else None
    tags = load_store(path, dictionary_key())
    if tags:
        return tags
    with open(_dictionary_path(), encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    save_store(path, dictionary_key(), tags)
    return tags
