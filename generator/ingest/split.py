"""Split one raw issue (PDF-extracted text) into articles.

The printed page reads, for every item: body paragraphs, the byline (own line or appended to the
last body line), optionally a kicker line naming the unit, then the headline on one or two lines.
Briefs have no kicker and no headline; photo items end in a `■ … 摄` credit. The splitter anchors
on bylines, then reads the short blocks that follow a byline as kicker and headline.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter

from . import bylines as byline_rules
from ..records import Block, Byline, Doubt, NoiseLine, SplitArticle, SplitIssue
from .text import clean_line, display_width, ends_sentence, ends_with_figure_ref, non_space, normalise_heading, normalise_paragraph
from .titles import generate_title_checked

# Stray lines made only of circled numbers (`①①`) stand between photo items.
_NOISE = re.compile(r"^[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf\s]+$")
_FIGURE_MARK = re.compile(r"^图[\u2460-\u2473\d]")
_UNIT_LINE = re.compile(r"^[\u4e00-\u9fff]{2,20}(公安局|分局|派出所|支队|大队|中队|公安机关|警务站|警务室)$")
_HEADLINE_MAX_WIDTH = 30
_SUBHEAD_MAX_RATIO = 0.72  # printed subheads measure at most two thirds of the column


def looks_like_unit(text: str) -> bool:
    """A line printed as a unit's name (`某某县公安局某某派出所`)."""
    return _UNIT_LINE.match(text) is not None


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
    # Measured once: the re-flow compares each line with its neighbours many times over.
    width: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.width = display_width(self.text)


_WIDTH = attrgetter("width")


def split_seed(text: str, issue_id: str, source: str) -> SplitIssue:
    lines, noise = _read_lines(text)
    articles: list[SplitArticle] = []
    doubts: list[Doubt] = []
    cursor = 0
    while cursor < len(lines):
        cursor = _skip_blank(lines, cursor)
        if cursor >= len(lines):
            break
        byline_at, byline, last_body_text = _next_byline(lines, cursor)
        order = len(articles) + 1
        if byline_at is None:
            articles.append(_trailing_article(lines, cursor, order, doubts))
            break
        body = lines[cursor:byline_at]
        if last_body_text:
            body.append(Line(lines[byline_at].number, last_body_text))
        heading_blocks, end = _headline_blocks(lines, byline_at + 1, _body_column(body), order, doubts)
        kicker, headline, subtitle = _heading_parts(heading_blocks, order, doubts)
        last_line = heading_blocks[-1][-1].number if heading_blocks else lines[byline_at].number
        article = _make_article(order, body, byline, kicker, headline, subtitle,
                                lines[cursor].number, last_line, doubts)
        article.byline_line = lines[byline_at].number
        articles.append(article)
        cursor = end
    issue = SplitIssue(issue_id=issue_id, source=source, articles=articles, noise=noise,
                       doubts=sorted(doubts, key=lambda d: (d.line, d.article)))
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

# The first line of a paragraph is printed indented by two characters; the PDF text drops the
# indent, so a paragraph's first line measures the column less this much.
PARAGRAPH_INDENT = 2.0
_SUBTITLE_MARK = re.compile(r"^(——|—{2,}|－－|--)")
_SUBTITLE_MAX_WIDTH = 44  # a 副标题 (`——记…`) may run longer than a headline
# A line cut by a column break ends mid-sentence: the next block may start with the rest of the
# clause's punctuation, or the line may end on a word that cannot close a phrase.
_CONTINUATION_START = "，、。；：！？）》」』”’,.;:!?)"
_OPEN_END = "，、；：“‘（《「『,;:(" + "的了和与及对为将把被等向从给以于并其之或而且也都就在"


def _is_heading_line(text: str) -> bool:
    if _SUBTITLE_MARK.match(text):
        return display_width(text) <= _SUBTITLE_MAX_WIDTH and "。" not in text
    return (
        display_width(text) <= _HEADLINE_MAX_WIDTH
        and "。" not in text
        and text.count("，") <= 1
        and text[-1] not in "，、；：,;:"
        and byline_rules.parse_byline(text) is None
        and byline_rules.split_trailing_byline(text) is None
    )


def _is_heading_block(block: list[Line]) -> bool:
    """One or two headline lines, maybe with a `——` subtitle (one or two lines) right under them."""
    at = next((i for i, line in enumerate(block) if _SUBTITLE_MARK.match(line.text)), len(block))
    headline, subtitle = (block[:at], block[at:]) if at else (block[:1], block[1:])
    return (1 <= len(headline) <= 2 and len(subtitle) <= 2
            and all(_is_heading_line(line.text) for line in block))


def _is_subtitle_block(block: list[Line]) -> bool:
    return bool(block) and _SUBTITLE_MARK.match(block[0].text) is not None and _is_heading_block(block)


def _body_column(body: list[Line]) -> float | None:
    """The column width of the body just read (the second widest of its last lines), or None."""
    widths = sorted((display_width(line.text) for line in body[-8:] if line.text), reverse=True)
    return widths[1] if len(widths) >= 3 else None


def _measured_column(block: list[Line], fallback: float | None) -> float | None:
    """The column a body block is set in: its widest line but the last (a paragraph's last line
    falls short). A block of one line measures nothing; the column of the body before stands in."""
    if len(block) >= 2:
        return max(display_width(line.text) for line in block[:-1])
    return fallback


def _word_crosses(left: str, right: str) -> bool:
    """True when a dictionary word of two or more characters spans the end of `left`."""
    from ..lang.segment import get_jieba

    left, right = left[-4:], right[:4]
    position = 0
    for word in get_jieba().cut(left + right):
        end = position + len(word)
        if position < len(left) < end and len(word) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in word):
            return True
        position = end
    return False


def _continues(line: str, next_text: str) -> bool:
    """Does `next_text` carry on the sentence (or word) that `line` leaves open?"""
    if ends_sentence(line):
        return False
    return next_text[0] in _CONTINUATION_START or line[-1] in _OPEN_END or _word_crosses(line, next_text)


def _body_start(block: list[Line], following: list[Line], fallback_column: float | None
                ) -> tuple[bool, str | None]:
    """Is a short block after a byline the next article's first line(s), cut off by a column break?

    A body line runs to the column width of the lines that follow (less the first-line indent)
    and its sentence goes on in the next block; a headline does neither. Returns (is_body, doubt).
    """
    if not following or _is_heading_block(following) or _SUBTITLE_MARK.match(block[0].text):
        return False, None
    column = _measured_column(following, fallback_column)
    if column is None:
        return False, None
    width = max(display_width(line.text) for line in block)
    fills = column - 1.5 - PARAGRAPH_INDENT <= width <= column + 1.5
    near = width + PARAGRAPH_INDENT >= column - 3 and width >= 0.7 * column
    if not (fills or near):
        return False, None  # far short of the column: a headline (no need to read on)
    # The block after a headline opens a paragraph (indented, so short of the column); the rest
    # of a cut paragraph fills it from its first line.
    inner = [display_width(line.text) for line in following[1:-1]]
    full_first = bool(inner) and display_width(following[0].text) >= max(inner) - 0.5
    goes_on = _continues(block[-1].text, following[0].text) or full_first
    if fills and goes_on:
        return True, None
    if fills and inner and abs(display_width(following[0].text) - (max(inner) - PARAGRAPH_INDENT)) <= 1:
        # What follows opens with an indented line: a new paragraph under a long headline.
        return False, "read as a headline, though it is as wide as the body column"
    if fills:
        return True, ("read as the first line of the next article (it is as wide as the column), "
                      "though it could be a headline")
    if goes_on and near:
        return False, "read as a headline, though the text after it seems to continue it"
    if near:
        return False, "read as a headline, though it is nearly as wide as the body column"
    return False, None


def _headline_blocks(lines: list[Line], start: int, body_column: float | None, order: int,
                     doubts: list[Doubt]) -> tuple[list[list[Line]], int]:
    """Up to two short blocks after a byline (kicker, headline), an optional `——` subtitle block,
    and where the next article starts."""
    blocks: list[list[Line]] = []
    cursor = start
    while True:
        index = _skip_blank(lines, cursor)
        if index >= len(lines):
            break
        block, end = _block_at(lines, index, limit=5)  # a heading block: 1-2 lines, a subtitle 1-2 more
        if blocks and _is_subtitle_block(block) and not any(_is_subtitle_block(b) for b in blocks):
            blocks.append(block)  # the headline's 副标题, right under it or one blank line under
            cursor = end
            break
        if len(blocks) == 2 or not _is_heading_block(block) or _is_subtitle_block(block):
            break
        if blocks and len(blocks[0]) >= 2:
            break  # a first block of two lines or more is the headline itself: no kicker before it
        following, _ = _block_at(lines, _skip_blank(lines, end), limit=8)
        is_body, doubt = _body_start(block, following, body_column)
        if doubt:
            doubts.append(Doubt(block[0].number, order + 1 if is_body else order, doubt))
        if is_body:
            break
        blocks.append(block)
        cursor = end
    return blocks, cursor


def _heading_parts(blocks: list[list[Line]], order: int, doubts: list[Doubt]
                   ) -> tuple[Line | None, list[Line], list[Line]]:
    """(kicker, headline lines, subtitle lines) from the heading blocks."""
    subtitle: list[Line] = []
    if blocks and _is_subtitle_block(blocks[-1]) and len(blocks) > 1:
        subtitle, blocks = blocks[-1], blocks[:-1]
    if blocks:
        # `——…` right under the headline, in the same block
        block = blocks[-1]
        at = next((i for i, line in enumerate(block) if i and _SUBTITLE_MARK.match(line.text)), None)
        if at is not None:
            subtitle, blocks = block[at:] + subtitle, blocks[:-1] + [block[:at]]
    if len(blocks) == 2:
        return blocks[0][0], blocks[1], subtitle
    if len(blocks) == 1:
        block = blocks[0]
        if len(block) == 2 and _UNIT_LINE.match(block[0].text):
            # Only the blank line between them marks a kicker: two lines printed together are
            # one headline, even when the first names a unit.
            doubts.append(Doubt(block[0].number, order,
                                "a two-line headline whose first line names a unit: read as one headline, "
                                "could be kicker and headline"))
        return None, block, subtitle
    return None, [], subtitle


def _trailing_article(lines: list[Line], start: int, order: int, doubts: list[Doubt]) -> SplitArticle:
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
    candidates = list(reversed(blocks[1:]))
    subtitle: list[list[Line]] = []
    if len(candidates) >= 2 and _is_subtitle_block(region[candidates[0][0]:candidates[0][1]]):
        subtitle = [region[candidates[0][0]:candidates[0][1]]]
        candidates = candidates[1:]
    for block_start, block_end in candidates:
        block = region[block_start:block_end]
        if len(heading) == 2 or not _is_heading_block(block) or _is_subtitle_block(block) \
                or (heading and len(block) != 1):
            break
        heading.insert(0, block)
    if not heading:
        subtitle = []
    taken = len(heading) + len(subtitle)
    body_end = blocks[len(blocks) - taken][0] if taken else len(region)
    kicker, headline, subtitle_lines = _heading_parts(heading + subtitle, order, doubts)
    return _make_article(order, region[:body_end], Byline(), kicker, headline, subtitle_lines,
                         region[0].number, region[-1].number, doubts)


# --- the article -------------------------------------------------------------------------------

def _make_article(order: int, body: list[Line], byline: Byline, kicker: Line | None,
                  headline: list[Line], subtitle: list[Line], first_line: int, last_line: int,
                  doubts: list[Doubt]) -> SplitArticle:
    blocks = body_blocks(body, order, doubts)
    is_photo = bool(byline.photographers)
    if headline:
        title, generated = normalise_heading([line.text for line in headline]), False
    else:
        first_paragraph = next((b.text for b in blocks if b.kind == "paragraph"), "")
        generated_title = generate_title_checked(first_paragraph)
        title, generated = generated_title.title, True
        if generated_title.doubt:
            doubts.append(Doubt(first_line, order, generated_title.doubt))
    kind = "photo" if is_photo else ("article" if headline else "brief")
    return SplitArticle(
        order=order, title=title, title_generated=generated,
        kicker=kicker.text if kicker else None, kicker_line=kicker.number if kicker else 0,
        kind=kind, byline=byline, blocks=blocks,
        first_line=first_line, last_line=last_line,
        headline_raw=[line.text for line in headline + subtitle],
        subtitle=normalise_heading([line.text for line in subtitle]) if subtitle else None,
    )


def body_blocks(body: list[Line], order: int = 0, doubts: list[Doubt] | None = None) -> list[Block]:
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
        short, doubt = (_first_line_is_short(lines, index) if len(current) == 1 else
                        (_is_short(lines, index), None))
        if ends_sentence(line.text) and (
            line.blank_after or next_line is None or short
            or ends_with_figure_ref(line.text) or _FIGURE_MARK.match(next_line.text)
        ):
            flush()
            if doubt and doubts is not None and not line.blank_after and next_line is not None:
                doubts.append(Doubt(line.number, order, doubt))
        elif doubts is not None and ends_sentence(line.text) and _indented_like_a_new_paragraph(lines, index + 1):
            doubts.append(Doubt(line.number, order, "a sentence ends at the full column width and the next "
                                                    "line is indented like a new paragraph: read as one paragraph"))
        index += 1
    flush()
    return blocks


def _first_line_is_short(lines: list[Line], index: int) -> tuple[bool, str | None]:
    """Does a paragraph's first line, ending a sentence, end its paragraph too? (short, doubt)

    The line lacks its two-character indent, so it may look short when it fills the column. A
    line that falls short even with the indent added back ends the paragraph; one that is short
    only without it is decided by the next line: at full width it carries the paragraph on, short
    by the indent it opens a new one.
    """
    if _is_short(lines, index, PARAGRAPH_INDENT):
        return True, None
    if not _is_short(lines, index):
        return False, None
    if index + 1 >= len(lines):
        return True, None
    column = _column_width(lines, index)
    next_width = lines[index + 1].width
    if next_width >= column - 1:
        return False, None  # the next line fills the column: the paragraph goes on
    after = lines[index + 2] if index + 2 < len(lines) and not lines[index + 1].blank_after else None
    if abs(next_width - (column - PARAGRAPH_INDENT)) <= 1 and after is not None \
            and after.width >= column - 1:
        return True, None  # the next line is indented and the one after fills: a new paragraph
    return True, ("a one-line paragraph ending near the column width: read as a paragraph of its own, "
                  "could run on into the next line")


def _indented_like_a_new_paragraph(lines: list[Line], index: int) -> bool:
    """Is the line at `index` short of the column by just the first-line indent, while the lines
    after it fill the column (so that it is no paragraph's last line)?"""
    if index + 2 >= len(lines) or lines[index].blank_after:
        return False
    column = _column_width(lines, index)
    width = lines[index].width
    following = [lines[i].width for i in (index + 1, index + 2)]
    return (column - PARAGRAPH_INDENT - 0.5 <= width <= column - PARAGRAPH_INDENT + 0.5
            and not ends_sentence(lines[index].text) and all(w >= column - 0.5 for w in following))


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
    if not neighbours:
        return lines[index].width
    widths = sorted(map(_WIDTH, neighbours), reverse=True)
    return widths[1] if len(widths) > 1 else widths[0]


def _is_short(lines: list[Line], index: int, indent: float = 0.0) -> bool:
    return lines[index].width + indent < _column_width(lines, index) - 1.5


def _is_subhead_line(lines: list[Line], index: int, skip: int) -> bool:
    text = lines[index].text
    return (
        len(non_space(text)) >= 3
        and "。" not in text
        and text.count("，") <= 2
        and text[-1] not in "，、；：,;:"
        and not ends_sentence(text)
        and not _FIGURE_MARK.match(text)
        and lines[index].width <= _SUBHEAD_MAX_RATIO * _column_width(lines, index, skip)
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
