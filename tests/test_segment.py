"""The fast segmenter (jieba-rs through rjieba) cuts exactly as jieba does, with the project's words."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.lang.segment import get_jieba, plain_tokenizer

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ODD = ["", " ", "\n\n", "AI智能警务助手上线", "电话：0537-1234567；110！", "１２３ＡＢＣ民警", "a b  c", "𠮷野家民警",
       "\t中\u3000文\r\n", "市公安局开展电信网络诈骗宣传，护学岗民辅警到岗。", "110接处警“枫桥经验”"]


def texts() -> list[str]:
    found = list(ODD)
    for seed in sorted((PROJECT_ROOT / "seeds").glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        found.append(text)
        found.extend(line for line in text.splitlines() if line.strip())
    return found


@pytest.mark.parametrize("segmenter", [get_jieba, plain_tokenizer], ids=["with project words", "plain"])
def test_fast_cut_is_jiebas_cut(segmenter):
    fast = segmenter()
    python = fast.python_tokenizer()
    for text in texts():
        assert fast.rust_lcut(text) == python.lcut(text, HMM=False), text[:40]


def test_project_words_are_cut_whole():
    assert "电信网络诈骗" in get_jieba().lcut("开展电信网络诈骗宣传", HMM=False)
    assert "护学岗" in get_jieba().lcut("民警在护学岗执勤", HMM=False)
    assert "护学岗" not in plain_tokenizer().lcut("民警在护学岗执勤", HMM=False)
