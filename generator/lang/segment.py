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
def get_jieba() -> jieba.Tokenizer:
    """The initialised tokenizer every stage uses (same words for tagging and for search)."""
    tokenizer = plain_tokenizer(copy=True)
    for word in sorted(domain_vocabulary()):
        if len(word) >= 2:
            tokenizer.add_word(word, freq=tokenizer.suggest_freq(word, tune=False) or 1000)
    return tokenizer


def plain_tokenizer(copy: bool = False) -> jieba.Tokenizer:
    """A tokenizer with jieba's own dictionary only; `copy` when words will be added to it."""
    frequencies, total = _main_dictionary()
    tokenizer = _jieba().Tokenizer()
    tokenizer.FREQ = dict(frequencies) if copy else frequencies
    tokenizer.total = total
    tokenizer.initialized = True
    return tokenizer


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
def load_topics() -> dict[str, tuple[str, ...]]:
    """generator/data/topics.yml: topic -> the words that trigger it; the site's own
    `data/topics.yml` adds topics, replaces a topic's words, or (`topic: []`) removes a topic."""
    topics = _read_topics(DATA_DIR / "topics.yml")
    site = site_file("topics.yml")
    if site is not None:
        for topic, triggers in _read_topics(site).items():
            if triggers:
                topics[topic] = triggers
            else:
                topics.pop(topic, None)
    return topics


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
