"""Splitter rules on made-up issues in the raw format (no words of the real seeds needed)."""
from hypothesis import given, settings, strategies as st

from generator.ingest.split import NothingLostError, check_nothing_lost, split_seed
from generator.ingest.text import non_space


def split(text):
    return split_seed(text, "test", "seeds/test.txt").articles


ARTICLE = """\
某某县公安局近日组织民警深入辖区开展宣传活动，向群众讲
解防范知识，发放宣传资料。

活动中，民警结合典型案例，提醒群众提高警惕，守护好自己
的钱袋子。

记者 王小明 通讯员 李四 赵五

某某县公安局

宣传进社区
平安进万家

某某派出所民警近日帮助群众找回丢失的手机，群众送来锦旗表
示感谢。 通讯员 周六

民警近日走进学校，为师生讲授交通安全知识，提高了学生的安
全意识。

通讯员 钱七
"""


def test_byline_kicker_and_two_line_headline():
    first = split(ARTICLE)[0]
    assert first.title == "宣传进社区 平安进万家"
    assert first.kicker == "某某县公安局"
    assert first.byline.reporters == ["王小明"]
    assert first.byline.correspondents == ["李四", "赵五"]
    assert first.kind == "article"
    assert [b.text for b in first.blocks] == [
        "某某县公安局近日组织民警深入辖区开展宣传活动，向群众讲解防范知识，发放宣传资料。",
        "活动中，民警结合典型案例，提醒群众提高警惕，守护好自己的钱袋子。",
    ]
    assert (first.first_line, first.last_line) == (1, 12)


def test_briefs_without_headline_and_byline_on_last_body_line():
    articles = split(ARTICLE)
    assert len(articles) == 3
    brief = articles[1]
    assert brief.kind == "brief" and brief.title_generated
    assert brief.byline.correspondents == ["周六"]
    assert brief.blocks[-1].text.endswith("表示感谢。")
    assert brief.title in brief.blocks[0].text
    assert articles[2].byline.correspondents == ["钱七"]
    assert articles[2].kicker is None


def test_column_break_blank_line_inside_a_sentence_is_joined():
    text = "民警接到报警后迅速赶到现场，经过仔细\n\n调查，成功找回了被盗的电动车。\n\n通讯员 张三\n"
    (article,) = split(text)
    assert [b.text for b in article.blocks] == ["民警接到报警后迅速赶到现场，经过仔细调查，成功找回了被盗的电动车。"]


def test_short_line_ending_a_sentence_starts_a_new_paragraph():
    text = ("民警接到报警后迅速赶到现场，经过仔细调查走访，\n成功找回了被盗的电动车。\n"
            "失主对民警的帮助表示由衷的感谢，并送来锦旗一\n面，称赞民警办事效率高。\n\n通讯员 张三\n")
    (article,) = split(text)
    assert len(article.blocks) == 2


def test_subheads_inside_body():
    text = ("市公安局持续推进各项工作，取得了显著成效，得到了群众的一致\n好评和社会各界的广泛认可。\n\n"
            "强化科技支撑\n\n"
            "市公安局依托大数据平台，推动警务工作提质增效，进一步提升\n了打击犯罪的能力和水平。\n\n"
            "深化便民服务 提升群众满意度\n"
            "市公安局推出多项便民利民措施，让群众办事更加方便快捷，真\n正做到了让数据多跑路。\n\n"
            "记者 王小明\n\n市公安局\n\n科技强警见成效\n")
    (article,) = split(text)
    assert [b.kind for b in article.blocks] == ["paragraph", "subhead", "paragraph", "subhead", "paragraph"]
    assert article.blocks[1].text == "强化科技支撑"
    assert article.blocks[3].text == "深化便民服务 提升群众满意度"
    assert article.blocks[4].text.startswith("市公安局推出多项")


def test_photo_credit_makes_a_photo_item_and_every_name_a_photographer():
    text = ("全市公安机关加强社会面巡逻防控，\n提高见警率和管控力。\n■记者 王小明 通讯员 李四 摄\n\n"
            "某某派出所近日开展消防安全检查，督促整改隐患多处，确保了辖区平安稳定。\n\n通讯员 钱七\n")
    photo, other = split(text)
    assert photo.kind == "photo"
    assert photo.byline.photographers == ["王小明", "李四"]
    assert photo.byline.reporters == [] and photo.byline.correspondents == []
    assert other.kind == "brief"


def test_stray_marker_lines_are_noise_not_text():
    text = "民警开展巡逻防控工作，守护群众平安。\n\n通讯员 张三\n\n①①\n\n②②\n\n民警走访企业，了解企业需求。\n\n通讯员 李四\n"
    issue = split_seed(text, "t", "seeds/t.txt")
    assert [n.text for n in issue.noise] == ["①①", "②②"]
    assert len(issue.articles) == 2


def test_seed_without_byline_is_one_article():
    text = "民警开展巡逻防控工作，守护群众平安，确保了辖区社会治安秩序的持续稳定。\n\n巡逻守平安\n"
    (article,) = split(text)
    assert article.title == "巡逻守平安"
    assert article.byline.names() == []


def test_nothing_lost_check_reports_the_line():
    issue = split_seed(ARTICLE, "t", "seeds/t.txt")
    issue.articles[1].blocks.pop()
    try:
        check_nothing_lost(ARTICLE, issue)
    except NothingLostError as err:
        assert err.line == 14
    else:
        raise AssertionError("a dropped paragraph must be reported")


line_text = st.lists(st.sampled_from(list("民警开展巡逻防控工作守护群众平安，。、“”！？ ■①摄") +
                                     ["记者 ", "通讯员 ", "王小明", "市公安局", "12", "PTU", "\t"]),
                     max_size=20).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(line_text, max_size=40))
def test_any_input_splits_without_losing_a_character(lines):
    text = "\n".join(lines)
    issue = split_seed(text, "t", "seeds/t.txt")  # raises NothingLostError if a character is lost
    placed = "".join(non_space(b.text) for a in issue.articles for b in a.blocks)
    assert len(placed) <= len(non_space(text))
