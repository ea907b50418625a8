"""Split one raw issue (PDF-extracted text) into articles.

The printed page reads, for every item: body paragraphs, the byline (own line or appended to the
last body line), optionally a kicker line naming the unit, then the headline on one or two lines.
Briefs have no kicker and no headline; photo items end in a `■ … 摄` credit. The splitter anchors
on bylines, then reads the short blocks that follow a byline as kicker and headline.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from . import bylines as byline_rules
from ..records import Block, Byline, NoiseLine, SplitArticle, SplitIssue
from .text import clean_line, display_width, ends_sentence, ends_with_figure_ref, non_space, normalise_heading, normalise_paragraph
from .titles import generate_title

# Stray lines made only of circled numbers (`①①`) stand between photo items.
_NOISE = re.compile(r"^[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf\s]+$")
_FIGURE_MARK = re.compile(r"^图[\u2460-\u2473\d]")
_UNIT_LINE = re.compile(r"^[\u4e00-\u9fff]{2,20}(公安局|分局|派出所|支队|大队|中队|公安机关|警务站|警务室)$")
_HEADLINE_MAX_WIDTH = 30
_SUBHEAD_MAX_RATIO = 0.72  # printed subheads measure at most two thirds of the column


class SplitError(ValueError):
    """A seed that cannot be split, with the line that stopped it."""

    def __init__(self, line: int, reason: str):
        self.line, self.reason = line, reason
        super().__init__(f"line {line}: {reason}")


@dataclass
class Line:
    number: int
    text: str
    blank_after: bool = False


def split_seed(text: str, issue_id: str, source: str) -> SplitIssue:
    lines, noise = _read_lines(text)
    articles: list[SplitArticle] = []
    cursor = 0
    while cursor < len(lines):
        cursor = _skip_blank(lines, cursor)
        if cursor >= len(lines):
            break
        byline_at, byline, last_body_text = _next_byline(lines, cursor)
        if byline_at is None:
            articles.append(_trailing_article(lines, cursor, len(articles) + 1))
            break
        body = lines[cursor:byline_at]
        if last_body_text:
            body.append(Line(lines[byline_at].number, last_body_text))
        heading_blocks, end = _headline_blocks(lines, byline_at + 1)
        kicker, headline = _kicker_and_headline(heading_blocks)
        last_line = heading_blocks[-1][-1].number if heading_blocks else lines[byline_at].number
        articles.append(_make_article(len(articles) + 1, body, byline, kicker, headline,
                                      lines[cursor].number, last_line))
        cursor = end
    issue = SplitIssue(issue_id=issue_id, source=source, articles=articles, noise=noise)
    check_nothing_lost(text, issue)
    return issue


# --- lines -------------------------------------------------------------------------------------

def _read_lines(text: str) -> tuple[list[Line], list[NoiseLine]]:
    """Cleaned lines with their 1-based numbers; blank and noise lines become empty text."""
    lines, noise = [], []
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        cleaned = clean_line(raw)
        if cleaned and _NOISE.match(cleaned):
            noise.append(NoiseLine(number, cleaned))
            cleaned = ""
        lines.append(Line(number, cleaned))
    while lines and not lines[-1].text:
        lines.pop()
    return lines, noise


def _skip_blank(lines: list[Line], index: int) -> int:
    while index < len(lines) and not lines[index].text:
        index += 1
    return index


def _next_byline(lines: list[Line], start: int) -> tuple[int | None, Byline | None, str]:
    """The first byline at or after `start`: (index, byline, body text left on that line)."""
    for index in range(start, len(lines)):
        text = lines[index].text
        if not text:
            continue
        whole = byline_rules.parse_byline(text)
        if whole:
            return index, whole, ""
        trailing = byline_rules.split_trailing_byline(text)
        if trailing:
            body_text, byline = trailing
            return index, byline, body_text
    return None, None, ""


def _block_at(lines: list[Line], index: int, limit: int | None = None) -> tuple[list[Line], int]:
    """The run of non-blank lines starting at `index` and the index after it.

    With `limit`, at most `limit` lines are read: enough to tell a short block from a long one
    without walking to the end of a seed that has no blank line (quadratic over many bylines).
    """
    end = index
    stop = len(lines) if limit is None else min(len(lines), index + limit)
    while end < stop and lines[end].text:
        end += 1
    return lines[index:end], end


# --- kicker and headline -------------------------------------------------------------------------

def _is_heading_line(text: str) -> bool:
    return (
        display_width(text) <= _HEADLINE_MAX_WIDTH
        and "。" not in text
        and text.count("，") <= 1
        and text[-1] not in "，、；：,;:"
        and byline_rules.parse_byline(text) is None
        and byline_rules.split_trailing_byline(text) is None
    )


def _is_heading_block(block: list[Line]) -> bool:
    return 1 <= len(block) <= 2 and all(_is_heading_line(line.text) for line in block)


def _headline_blocks(lines: list[Line], start: int) -> tuple[list[list[Line]], int]:
    """Up to two short blocks after a byline (kicker, headline) and where the next article starts."""
    blocks: list[list[Line]] = []
    cursor = start
    while len(blocks) < 2:
        index = _skip_blank(lines, cursor)
        if index >= len(lines):
            break
        block, end = _block_at(lines, index, limit=3)  # a heading block has one or two lines
        if not _is_heading_block(block):
            break
        if blocks and len(blocks[0]) == 2:
            break  # a two-line first block is the headline itself: no kicker before it
        blocks.append(block)
        cursor = end
    return blocks, cursor


def _kicker_and_headline(blocks: list[list[Line]]) -> tuple[Line | None, list[Line]]:
    if len(blocks) == 2:
        return blocks[0][0], blocks[1]
    if len(blocks) == 1:
        block = blocks[0]
        if len(block) == 2 and _UNIT_LINE.match(block[0].text) and not _UNIT_LINE.match(block[1].text):
            return block[0], block[1:]
        return None, block
    return None, []


def _trailing_article(lines: list[Line], start: int, order: int) -> SplitArticle:
    """The text after the last byline (or a seed without bylines): body, then maybe kicker/headline."""
    region = lines[start:]
    blocks: list[tuple[int, int]] = []  # (start, end) of each block within region
    index = 0
    while index < len(region):
        index = _skip_blank(region, index)
        if index >= len(region):
            break
        _, end = _block_at(region, index)
        blocks.append((index, end))
        index = end
    heading: list[list[Line]] = []
    for block_start, block_end in reversed(blocks[1:]):
        block = region[block_start:block_end]
        if len(heading) == 2 or not _is_heading_block(block) or (heading and len(block) != 1):
            break
        heading.insert(0, block)
    body_end = blocks[len(blocks) - len(heading)][0] if heading else len(region)
    kicker, headline = _kicker_and_headline(heading)
    return _make_article(order, region[:body_end], Byline(), kicker, headline,
                         region[0].number, region[-1].number)


# --- the article -------------------------------------------------------------------------------

def _make_article(order: int, body: list[Line], byline: Byline, kicker: Line | None,
                  headline: list[Line], first_line: int, last_line: int) -> SplitArticle:
    blocks = body_blocks(body)
    is_photo = bool(byline.photographers)
    if headline:
        title, generated = normalise_heading([line.text for line in headline]), False
    else:
        first_paragraph = next((b.text for b in blocks if b.kind == "paragraph"), "")
        title, generated = generate_title(first_paragraph), True
    kind = "photo" if is_photo else ("article" if headline else "brief")
    return SplitArticle(
        order=order, title=title, title_generated=generated,
        kicker=kicker.text if kicker else None, kind=kind, byline=byline, blocks=blocks,
        first_line=first_line, last_line=last_line, headline_raw=[line.text for line in headline],
    )


def body_blocks(body: list[Line]) -> list[Block]:
    """Re-flow hard-wrapped body lines into paragraphs and subheads."""
    lines = _non_blank_with_gaps(body)
    blocks: list[Block] = []
    current: list[Line] = []

    def flush() -> None:
        if current:
            blocks.append(Block("paragraph", normalise_paragraph([line.text for line in current])))
            current.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        if not current and blocks:
            size = _subhead_size(lines, index)
            if size:
                blocks.append(Block("subhead", normalise_heading([l.text for l in lines[index:index + size]])))
                index += size
                continue
        if current and _FIGURE_MARK.match(line.text):
            flush()
        current.append(line)
        next_line = lines[index + 1] if index + 1 < len(lines) else None
        if ends_sentence(line.text) and (
            line.blank_after or next_line is None or _is_short(lines, index)
            or ends_with_figure_ref(line.text) or _FIGURE_MARK.match(next_line.text)
        ):
            flush()
        index += 1
    flush()
    return blocks


def _non_blank_with_gaps(body: list[Line]) -> list[Line]:
    out: list[Line] = []
    for line in body:
        if line.text:
            out.append(Line(line.number, line.text))
        elif out:
            out[-1].blank_after = True
    return out


def _column_width(lines: list[Line], index: int, skip: int = 1) -> float:
    """The local column width, from up to three lines on each side.

    Justified lines fill the column and last lines of paragraphs fall short, so the widest
    neighbours measure it; the second widest, so that one overfull line does not.
    """
    neighbours = lines[max(0, index - 3):index] + lines[index + skip:index + skip + 3]
    widths = sorted((display_width(line.text) for line in neighbours), reverse=True)
    if not widths:
        return display_width(lines[index].text)
    return widths[1] if len(widths) > 1 else widths[0]


def _is_short(lines: list[Line], index: int) -> bool:
    return display_width(lines[index].text) < _column_width(lines, index) - 1.5


def _is_subhead_line(lines: list[Line], index: int, skip: int) -> bool:
    text = lines[index].text
    return (
        len(non_space(text)) >= 3
        and "。" not in text
        and text.count("，") <= 2
        and text[-1] not in "，、；：,;:"
        and not ends_sentence(text)
        and not _FIGURE_MARK.match(text)
        and display_width(text) <= _SUBHEAD_MAX_RATIO * _column_width(lines, index, skip)
    )


def _subhead_size(lines: list[Line], index: int) -> int:
    """0, 1 or 2: how many lines starting at `index` form an in-body subhead."""
    if index + 1 >= len(lines):
        return 0  # a body never ends on a subhead
    first = lines[index]
    if not first.blank_after and index + 2 < len(lines) and _is_subhead_line(lines, index + 1, 1) \
            and _is_subhead_line(lines, index, 2):
        second = lines[index + 1]
        return 2 if _is_subhead_line(lines, index + 1, 1) and (second.blank_after or not
                                                                _is_subhead_line(lines, index + 2, 1)) else 0
    return 1 if _is_subhead_line(lines, index, 1) else 0


# --- nothing lost --------------------------------------------------------------------------------

class NothingLostError(SplitError):
    pass


def check_nothing_lost(seed_text: str, issue: SplitIssue) -> None:
    """Raise NothingLostError naming the first seed line whose characters were dropped or doubled.

    Each article must hold exactly the characters of its own line range; every other line must
    be a recorded noise line.
    """
    seed_lines = re.split(r"\r\n|\r|\n", seed_text)
    noise_lines = {noise.line for noise in issue.noise}
    covered: set[int] = set()
    for article in issue.articles:
        numbers = [n for n in range(article.first_line, article.last_line + 1) if n not in noise_lines]
        covered.update(range(article.first_line, article.last_line + 1))
        expected = Counter(non_space("".join(seed_lines[n - 1] for n in numbers)))
        placed = Counter(non_space("".join(
            article.headline_raw + [article.kicker or "", article.byline.raw] + [b.text for b in article.blocks])))
        if expected == placed:
            continue
        missing, extra = expected - placed, placed - expected
        for number in numbers:
            lost = [c for c in non_space(seed_lines[number - 1]) if c in missing]
            if lost:
                raise NothingLostError(number, f"characters not placed in any article: {''.join(lost)[:40]}")
        raise NothingLostError(article.first_line,
                               f"characters placed twice: {''.join(extra.elements())[:40]}")
    for number, line in enumerate(seed_lines, start=1):
        if number not in covered and number not in noise_lines and non_space(line):
            raise NothingLostError(number, "line not placed in any article")


# --- articles worth writing --------------------------------------------------------------------

# A printed issue holds ten to thirty items; a thousand is many issues in one file, or a file
# of bylines, and would flood the site with pages.
MAX_ARTICLES = 1000


def check_articles(issue: SplitIssue) -> None:
    """Raise SplitError when the split found no article, an article without any text, or more
    articles than one issue can hold.

    split_seed itself accepts any text (its nothing-lost property holds for every input); this
    is what the importer asks of a seed before writing content: a file of stray markers, or a
    byline with no text before it, is a seed the splitter does not understand, not an issue.
    """
    if not issue.articles:
        line = issue.noise[0].line if issue.noise else 1
        raise SplitError(line, "no article text (only stray markers such as ①①)" if issue.noise
                         else "no article text")
    for article in issue.articles:
        if not article.blocks:
            raise SplitError(article.first_line, "a byline with no article text before it")
    if len(issue.articles) > MAX_ARTICLES:
        raise SplitError(issue.articles[MAX_ARTICLES].first_line,
                         f"more than {MAX_ARTICLES} articles: not one issue (several issues in one file?)")
