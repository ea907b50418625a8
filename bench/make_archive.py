#!/usr/bin/env python3
"""Write a synthetic archive of raw issues, in the seed format, for benchmarks.

    .venv/bin/python bench/make_archive.py 300 /tmp/seeds            # issues 0000 … 0299
    .venv/bin/python bench/make_archive.py --start 300 301 /tmp/seeds  # add issue 0300 only

Issue k is `DIR/<kkkk>.txt` plus a sidecar `DIR/<kkkk>.yml` (`date:` weekly from 2006-01-06,
`number:`). Every issue is generated from its own random stream, seeded with its index only, so
the output is byte-identical from run to run and issue k is the same whatever N is: a larger
archive extends a smaller one.

The text recombines the pieces of the real seeds (seeds/*.txt, parsed with the project's own
splitter): sentences shuffled across articles into new paragraphs, headlines rebuilt from halves
of real headlines and subheads, real kickers and unit names, bylines with names drawn from a pool
of generated Chinese names; counties, surnames, dates and numbers are varied. Issues copy the
shape of a real issue (number and kinds of items, their lengths, subheads) and reproduce the
printed format: hard wraps at a column width chosen per article (14–26 CJK characters), the
first line of a paragraph two characters short (indent), closing punctuation hanging past the
column, column-break blank lines in mid-sentence, paragraphs run together after a break,
in-body subheads (one or two lines, with or without a blank line after), bylines alone or
appended to the last body line, kickers, one- or two-line headlines, briefs without headline,
photo items ending in a `■… 摄` credit (some with `图①` captions or `①①` marker lines).
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.ingest.split import split_seed  # noqa: E402
from generator.ingest.text import display_width  # noqa: E402

SEEDS_DIR = ROOT / "seeds"
FIRST_DATE = dt.date(2006, 1, 6)
SEED_TAG = "bulletin-bench-v1"  # changing it changes every generated issue

MIN_WIDTH, MAX_WIDTH = 14, 26  # column widths, in CJK characters
HEADLINE_MAX = 28  # the splitter reads lines up to 30 wide after a byline as headline lines
_SENTENCE = re.compile(r"[^。！？]*[。！？]+[”’」』）)]*")
_CLOSING = set("，。、；：！？”’）》」』…%")
_OPENING = set("“‘（《「『")
_TOKEN = re.compile(r"[A-Za-z]+|\d+(?:\.\d+)?%?|.", re.S)  # Latin words and numbers are never broken
_NUMBER = re.compile(r"(?<![\d.])\d+(?![\d.])")
# Numbers that name something (hotlines, the police number) are kept as printed.
_KEEP_NUMBERS = {"110", "119", "120", "122", "12345", "12389", "12123", "24", "365", "1", "2", "3"}

COUNTIES = ["任城区", "兖州区", "曲阜市", "邹城市", "微山县", "鱼台县", "金乡县", "嘉祥县", "汶上县", "泗水县",
            "梁山县"]
_COUNTY = re.compile("(" + "|".join(c[:2] for c in COUNTIES) + ")([区市县]?)")
_SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
             "薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺"
             "赖龚文牛岳权")
_PERSON_REF = re.compile(rf"([{_SURNAMES}])(先生|女士|师傅|某某|某|警官)")
_GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉玲建国红梅志飞斌宇浩凯鑫颖晨欣"
          "雪琳晶瑞博文翔鲲瑜青梦溪福奇翠荣德海波兴亮成龙峰林春燕卫东宁彤悦婷思雨佳琪子涵一帆正阳")
EXTRA_KICKERS = ["北湖分局", "济东分局", "特警支队", "交警支队", "禁毒支队", "刑侦支队", "泗水县公安局",
                 "汶上县公安局", "鱼台县公安局", "嘉祥县公安局", "微山县公安局", "曲阜市公安局", "南张派出所",
                 "阜桥派出所", "颜店派出所", "王杰派出所", "新挑河派出所", "老僧堂派出所", "梁宝寺派出所",
                 "高新区分局", "网安支队", "出入境管理支队", "指挥中心"]


# --- what the real seeds offer ---------------------------------------------------------------

@dataclass(frozen=True)
class Shape:
    """The shape of one real item: what a synthetic item copies."""

    kind: str  # article | brief | photo
    has_kicker: bool
    headline_lines: int
    chars: int  # body characters
    subheads: int
    byline_roles: tuple[tuple[str, int], ...]  # (role, number of names)
    photo_suffix: bool  # the credit ends in 摄
    figures: bool  # captions numbered 图①…


@dataclass
class Corpus:
    sentences: list[list[str]]  # per source article
    paragraph_lengths: list[int]
    issues: list[list[Shape]]
    headlines: list[list[str]]
    halves: list[str]  # short headline phrases
    subheads: list[str]
    kickers: list[str]
    reporters: list[str]
    correspondents: list[str]


def _balanced(text: str) -> bool:
    return all(text.count(o) == text.count(c) for o, c in ("“”", "‘’", "（）", "《》", "「」"))


def _byline_roles(raw: str) -> tuple[tuple[str, int], ...]:
    roles: list[list] = []
    for token in re.split(r"[ 、■]+", raw):
        if token in ("记者", "通讯员", "本报记者", "特约记者", "特约通讯员", "见习记者", "实习生"):
            roles.append([token, 0])
        elif token and token != "摄" and roles:
            roles[-1][1] += 1 if len(token) <= 3 else 2  # "张艳付哲": two names run together
    return tuple((r, n) for r, n in roles)


@lru_cache(maxsize=4)
def load_corpus(seeds_dir: Path = SEEDS_DIR) -> Corpus:
    sentences, lengths, issues, headlines, halves, subheads, kickers = [], [], [], [], [], [], []
    for path in sorted(Path(seeds_dir).glob("*.txt")):
        issue = split_seed(path.read_text(encoding="utf-8"), path.stem, path.name)
        shapes = []
        for article in issue.articles:
            paragraphs = [b.text for b in article.blocks if b.kind == "paragraph"]
            subs = [b.text for b in article.blocks if b.kind == "subhead"]
            chars = sum(len(p) for p in paragraphs)
            shapes.append(Shape(
                article.kind, bool(article.kicker), len(article.headline_raw), chars, len(subs),
                _byline_roles(article.byline.raw), article.byline.raw.rstrip().endswith("摄"),
                any(p.startswith("图") for p in paragraphs)))
            if article.kind != "photo":
                found = []
                for paragraph in paragraphs:
                    lengths.append(len(paragraph))
                    parts = _SENTENCE.findall(paragraph)
                    found += [s for s in parts if len(s) >= 8 and _balanced(s) and not s.startswith("图")]
                if found:
                    sentences.append(found)
            subheads += subs
            if article.kicker and article.kicker not in kickers:
                kickers.append(article.kicker)
            if article.headline_raw:
                headlines.append(list(article.headline_raw))
                for line in article.headline_raw:
                    halves += line.split(" ")
        issues.append(shapes)
    for sub in subheads:
        halves += sub.split(" ")
    halves = [h for h in dict.fromkeys(halves) if 3 <= len(h) <= 13 and "，" not in h]
    kickers += [k for k in EXTRA_KICKERS if k not in kickers]
    names = _name_pool(random.Random(f"{SEED_TAG}:names"), 420)
    return Corpus(sentences, sorted(lengths), issues, headlines, halves,
                  [s for s in dict.fromkeys(subheads) if "，" not in s or s.count("，") <= 1],
                  kickers, ["曹梦溪"] + names[:9], names[9:])


def _name_pool(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in names:
            names.append(name)
    return names


# --- one issue -------------------------------------------------------------------------------

@dataclass
class ArticleSpec:
    """What the generator put in one item: what the splitter should find again."""

    kind: str
    kicker: str | None
    headline: list[str]
    byline: str
    paragraphs: int
    subheads: int
    chars: int


@dataclass
class IssueSpec:
    index: int
    stem: str
    date: dt.date
    text: str
    articles: list[ArticleSpec] = field(default_factory=list)

    @property
    def sidecar(self) -> str:
        return f"date: {self.date.isoformat()}\nnumber: {self.index + 1}\n"


def issue_stem(index: int) -> str:
    return f"{index:04d}"


def issue_date(index: int) -> dt.date:
    return FIRST_DATE + dt.timedelta(weeks=index)


class _Writer:
    """Per-article state: substitutions, column width, and the lines written so far."""

    def __init__(self, rng: random.Random, corpus: Corpus, year: int):
        self.rng, self.corpus, self.year = rng, corpus, year
        self.width = rng.randint(MIN_WIDTH, MAX_WIDTH)
        shuffled = COUNTIES[:]
        rng.shuffle(shuffled)
        identity = rng.random() < 0.4
        self.county = {c[:2]: (c if identity else s) for c, s in zip(COUNTIES, shuffled)}
        self.surnames: dict[str, str] = {}
        self.cursor: tuple[int, int] | None = None  # (source article, sentence) read next
        self.used: set[tuple[int, int]] = set()

    # text substitutions
    def vary(self, text: str) -> str:
        text = _COUNTY.sub(self._county, text)
        text = _PERSON_REF.sub(lambda m: self.surnames.setdefault(m.group(1), self.rng.choice(_SURNAMES))
                               + m.group(2), text)
        return _NUMBER.sub(self._number, text)

    def _county(self, match: re.Match) -> str:
        full = self.county[match.group(1)]
        return full if match.group(2) else full[:2]

    def _number(self, match: re.Match) -> str:
        digits, after = match.group(), match.string[match.end():match.end() + 1]
        rng = self.rng
        if after == "年" and len(digits) == 4 or (len(digits) == 4 and digits[:2] in ("19", "20")
                                                 and match.string[max(0, match.start() - 1):match.start()] in "网仑剑"):
            return str(self.year - rng.choice((0, 0, 0, 1, 1, 2, 3)))  # a year: this one or a recent one
        if after == "月" and len(digits) <= 2:
            return str(rng.randint(1, 12))
        if after == "日" and len(digits) <= 2:
            return str(rng.randint(1, 28))
        if digits in _KEEP_NUMBERS or rng.random() < 0.3:
            return digits
        if len(digits) == 1:
            return str(rng.randint(2, 9))
        return str(rng.randint(10 ** (len(digits) - 1), 10 ** len(digits) - 1))

    # sentences and paragraphs
    def sentence(self) -> str:
        """The next sentence of a source article, or, now and then, one from anywhere."""
        pool, rng = self.corpus.sentences, self.rng
        for _ in range(30):
            if self.cursor is None or rng.random() < 0.3 or self.cursor[1] >= len(pool[self.cursor[0]]):
                source = rng.randrange(len(pool))
                self.cursor = (source, rng.randrange(len(pool[source])))
            key = self.cursor
            self.cursor = (key[0], key[1] + 1)
            if key not in self.used:
                break
        self.used.add(key)
        return self.vary(pool[key[0]][key[1]])

    def paragraph(self, target: int, minimum: int = 30) -> str:
        text = ""
        while len(text) < max(minimum, target * 0.8):
            text += self.sentence()
        return text

    def wrap(self, text: str, width: float | None = None, indent: float = 2) -> list[str]:
        """Hard-wrap like the printed column: first line indented, closing marks hang."""
        width = width or self.width
        lines, line, used = [], "", indent
        tokens = _TOKEN.findall(text)[::-1]
        while tokens:
            token = tokens.pop()
            w = display_width(token)
            if used + w <= width or not line or token in _CLOSING:  # closing marks never start a line
                line, used = line + token, used + w
                continue
            if line[-1] in _OPENING:  # an opening mark never ends a line: squeeze one more in
                line, used = line + token, used + w
                continue
            if token[0].isdigit() and width - used >= 1.5:
                # a long number is broken rather than leave a line visibly short
                cut = max(1, int((width - used) / display_width("0")))
                line, used = line + token[:cut], used + display_width(token[:cut])
                if token[cut:]:
                    tokens.append(token[cut:])
                continue
            lines.append(line)
            line, used = token, w
        if line:
            lines.append(line)
        return lines


def _headline_ok(headline: list[str], lines: int) -> bool:
    return (len(headline) == lines and len(set(headline)) == lines
            and all(3 <= display_width(h) <= HEADLINE_MAX and "。" not in h and h.count("，") <= 1
                    and h[-1] not in "，、；：" for h in headline))


def _headline(writer: _Writer, lines: int) -> list[str]:
    """A real headline (varied), or two half-phrases of real headlines and subheads."""
    rng, corpus = writer.rng, writer.corpus
    for _ in range(50):
        if rng.random() < 0.12:
            headline = [writer.vary(line) for line in rng.choice(corpus.headlines)]
            if len(headline) != lines:
                headline = [" ".join(headline)] if lines == 1 else headline[0].split(" ", 1)
        else:
            halves = [writer.vary(rng.choice(corpus.halves)) for _ in range(2)]
            headline = [" ".join(halves)] if lines == 1 else halves
        if _headline_ok(headline, lines):
            return headline
    return ["平安建设"] if lines == 1 else ["平安建设", "扎实推进"]


def _subhead(writer: _Writer, taken: list[str]) -> list[str] | None:
    """One or two short lines that the splitter measures as a subhead in this column."""
    limit = 0.62 * writer.width
    candidates = []
    for sub in writer.corpus.subheads:
        if sub in taken:
            continue
        parts = [sub] if display_width(sub) <= limit else sub.split(" ")
        if all(3 <= display_width(p) <= limit for p in parts) and len(parts) <= 2:
            candidates.append(parts)
    if not candidates:
        return None
    parts = writer.rng.choice(candidates)
    taken.append(" ".join(parts))
    return [writer.vary(p) for p in parts]


def _byline(writer: _Writer, shape: Shape) -> str:
    rng, corpus = writer.rng, writer.corpus
    tokens = []
    for role, count in shape.byline_roles:
        pool = corpus.reporters if "记者" in role else corpus.correspondents
        weights = [1 / (i + 1) ** 0.9 for i in range(len(pool))]
        names: list[str] = []
        while len(names) < count:
            name = rng.choices(pool, weights)[0]
            if name not in names:
                names.append(name)
        if count >= 2 and len(names[-1]) == 2 and len(names[-2]) == 2 and rng.random() < 0.03:
            names[-2:] = [names[-2] + names[-1]]  # names run together, as in "张艳付哲"
        tokens += [role, *names]
    text = " ".join(tokens)
    if shape.kind == "photo":
        text = ("■ " if rng.random() < 0.15 else "■") + text + (" 摄" if shape.photo_suffix or rng.random() < 0.7 else "")
    return text


def _body_lines(writer: _Writer, shape: Shape, chars: int) -> tuple[list[str], int, int]:
    """The body as printed lines ("" = blank), paragraph and subhead counts."""
    rng, corpus = writer.rng, writer.corpus
    units: list[tuple[str, list[str]]] = []  # ("p" | "s", lines)
    if shape.kind == "photo":
        if shape.figures or rng.random() < 0.3:
            units.append(("p", writer.wrap(writer.paragraph(40))))
            for number in "①②③④"[:rng.randint(2, 4)]:
                units.append(("p", writer.wrap(f"图{number} " + writer.paragraph(45, 20), indent=0)))
        else:
            units.append(("p", writer.wrap(writer.paragraph(chars, 40))))
    else:
        paragraphs: list[str] = []
        while sum(map(len, paragraphs)) < chars:
            paragraphs.append(writer.paragraph(rng.choice(corpus.paragraph_lengths), 2 * writer.width + 10))
        units.append(("p", writer.wrap(paragraphs[0])))
        rest = paragraphs[1:]
        sections = min(shape.subheads, len(rest)) if chars > 500 else 0
        taken: list[str] = []
        for number in range(sections):
            group = rest[number * len(rest) // sections:(number + 1) * len(rest) // sections]
            sub = _subhead(writer, taken)
            if sub:
                units.append(("s", sub))
            units += [("p", writer.wrap(text)) for text in group]
        if not sections:
            units += [("p", writer.wrap(text)) for text in rest]
    # The first block after a byline or headline must not read as a headline: three lines at least.
    while len(units[0][1]) < 3:
        first = units[0][1]
        units[0] = ("p", writer.wrap("".join(first) + writer.sentence(), indent=0 if first[0].startswith("图") else 2))
    lines: list[str] = []
    column = rng.randint(8, 30)
    since_break = 0
    for number, (kind, block) in enumerate(units):
        if lines:
            previous_short = display_width(lines[-1]) < writer.width - 3
            if kind == "p" and units[number - 1][0] == "s" and rng.random() < 0.35:
                pass  # subhead followed directly by its paragraph
            elif kind == "p" and units[number - 1][0] == "p" and previous_short and rng.random() < 0.08:
                pass  # paragraphs run together (a short last line still ends the first)
            else:
                lines.append("")
        for i, line in enumerate(block):
            lines.append(line)
            since_break += 1
            # Never within the first three lines: a one- or two-line block right after a byline or
            # headline would be read as the next headline (see the splitter's _headline_blocks).
            mid = kind == "p" and i < len(block) - 1 and len(lines) > 3
            if since_break >= column and mid:
                lines.append("")  # column break inside a paragraph
                since_break = 0
                column = rng.randint(8, 30)
    return lines, sum(kind == "p" for kind, _ in units), sum(kind == "s" for kind, _ in units)


def _justify_spaces(rng: random.Random, line: str) -> str:
    """A rare justification space around a number: `邀请 50 名小学生`."""
    if rng.random() < 0.03:
        return re.sub(r"(?<=[\u4e00-\u9fff])(\d+)(?=[\u4e00-\u9fff])", r" \1 ", line, count=1)
    return line


def _shapes(rng: random.Random, corpus: Corpus) -> list[Shape]:
    shapes = list(rng.choice(corpus.issues))
    every = [s for issue in corpus.issues for s in issue]
    if rng.random() < 0.5:
        i = rng.randrange(len(shapes) - 1)
        shapes[i], shapes[i + 1] = shapes[i + 1], shapes[i]
    if rng.random() < 0.4:
        shapes[rng.randrange(len(shapes))] = rng.choice(every)
    roll = rng.random()
    if roll < 0.2 and len(shapes) > 7:
        del shapes[rng.randrange(len(shapes))]
    elif roll > 0.8:
        shapes.insert(rng.randrange(len(shapes) + 1), rng.choice([s for s in every if s.kind != "article"]))
    return shapes


def generate_issue(index: int, seeds_dir: Path = SEEDS_DIR) -> IssueSpec:
    """Issue `index` of every synthetic archive (depends on the index and the real seeds only)."""
    corpus = load_corpus(Path(seeds_dir))
    rng = random.Random(f"{SEED_TAG}:{index}")
    date = issue_date(index)
    spec = IssueSpec(index, issue_stem(index), date, "")
    out: list[str] = []
    for shape in _shapes(rng, corpus):
        writer = _Writer(random.Random(f"{SEED_TAG}:{index}:{len(spec.articles)}"), corpus, date.year)
        chars = int(shape.chars * writer.rng.uniform(0.75, 1.1))  # paragraphs overshoot a little
        if shape.kind == "photo" and rng.random() < 0.15:
            out += ["①①", "", "③③", "", "②②", ""]
        body, paragraphs, subheads = _body_lines(writer, shape, chars)
        body = [_justify_spaces(writer.rng, line) for line in body]
        body_chars = sum(len(line.replace(" ", "")) for line in body)
        byline = _byline(writer, shape)
        mode = writer.rng.random()
        if mode < 0.3 and not body[-1].startswith("图"):
            body[-1] += " " + byline  # appended to the last body line
        elif mode < 0.38 or (shape.kind == "photo" and mode < 0.5):
            body.append(byline)  # own line, no blank before
        else:
            body += ["", byline]
        kicker = headline = None
        if shape.kind == "article":
            headline = _headline(writer, shape.headline_lines or 1)
            if shape.has_kicker:
                kicker = writer.vary(writer.rng.choice(corpus.kickers))
        out += body
        if kicker:
            out += ["", kicker]
        if headline:
            out += ["", *headline]
        out.append("")
        spec.articles.append(ArticleSpec(shape.kind, kicker, headline or [], byline, paragraphs, subheads,
                                         body_chars))
    spec.text = " " + "\n".join(out) + "\n"
    return spec


def write_archive(count: int, out_dir: Path, start: int = 0, seeds_dir: Path = SEEDS_DIR) -> list[IssueSpec]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    specs = []
    for index in range(start, count):
        spec = generate_issue(index, seeds_dir)
        (out_dir / f"{spec.stem}.txt").write_text(spec.text, encoding="utf-8")
        (out_dir / f"{spec.stem}.yml").write_text(spec.sidecar, encoding="utf-8")
        specs.append(spec)
    return specs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, help="N: the archive has issues 0 … N-1")
    parser.add_argument("dir", type=Path, help="folder to write <kkkk>.txt and <kkkk>.yml into")
    parser.add_argument("--start", type=int, default=0, help="write only issues START … N-1")
    parser.add_argument("--seeds", type=Path, default=SEEDS_DIR, help="real seeds to recombine (default: seeds/)")
    args = parser.parse_args(argv)
    specs = write_archive(args.count, args.dir, args.start, args.seeds)
    articles = sum(len(s.articles) for s in specs)
    print(f"wrote {len(specs)} issue(s), {articles} article(s) to {args.dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
