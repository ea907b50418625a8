"""One shared, quiet jieba tokenizer whose dictionary cache lives in the project's .cache/ folder.

jieba logs "Building prefix dict ..." to stderr on every fresh process and rebuilds its prefix
dictionary into the system temp dir; keeping the cache under .cache/jieba (git-ignored) makes
later runs load it in a fraction of a second and keeps test and build output clean.
"""
from __future__ import annotations

import importlib.util
import logging
import os
import pickle
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ..cache import package_versions

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
CACHE_DIR = PROJECT_ROOT / ".cache" / "jieba"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
if TYPE_CHECKING:
    import jieba


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
    tokenizer.tmp_dir = str(CACHE_DIR)
    tokenizer.FREQ = dict(frequencies) if copy else frequencies
    tokenizer.total = total
    tokenizer.initialized = True
    return tokenizer


def dictionary_key() -> str:
    stat = os.stat(_dictionary_path())
    return f"{package_versions('jieba')}-{stat.st_size}-{stat.st_mtime_ns}"


@lru_cache(maxsize=1)
def _main_dictionary() -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary, read from a pickle in .cache/jieba.

    jieba's own cache is a marshal file that takes several times longer to load than a pickle
    of the same dictionary, and every build pays for it."""
    path = CACHE_DIR / f"dictionary-{dictionary_key()}.pickle"
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError):
        pass
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tokenizer = _jieba().Tokenizer()
    tokenizer.tmp_dir = str(CACHE_DIR)
    tokenizer.initialize()
    result = (tokenizer.FREQ, tokenizer.total)
    _save_pickle(path, result)
    return result


def _save_pickle(path: Path, value) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
    except OSError:
        pass  # an unwritable cache only costs time


@lru_cache(maxsize=1)
def domain_vocabulary() -> frozenset[str]:
    """The words this project adds to jieba: police terms and topic triggers, never place names."""
    return frozenset(_DOMAIN_WORDS) | frozenset(topic_trigger_words())


@lru_cache(maxsize=1)
def topic_trigger_words() -> tuple[str, ...]:
    data = yaml.load(Loader=_YAML_LOADER, stream=(DATA_DIR / "topics.yml").read_text(encoding="utf-8")) or {}
    words = set()
    for topic, triggers in (data.get("topics") or {}).items():
        words.add(str(topic))
        words.update(str(t) for t in triggers or ())
    return tuple(sorted(words))


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """Part-of-speech tag of every word in jieba's main dictionary (e.g. 'ns' place, 'v' verb).

    Read straight from the dictionary file (jieba.posseg would tag whole texts, far slower than
    looking up the few words the unit and tag rules ask about), and kept as a pickle in .cache/.
    """
    path = CACHE_DIR / f"word-tags-{dictionary_key()}.pickle"
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError):
        pass
    tags: dict[str, str] = {}
    with open(_dictionary_path(), encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    _save_pickle(path, tags)
    return tags
