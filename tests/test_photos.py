"""Pictures beside an article and photo items (issue 17): real image files made with Pillow."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from generator.render.photos import Caption, split_captions
from tests.newspaper_site import build, tree, write_issue

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHOTO_BODY = ("为筑牢护学防线，全市公安机关开启“护学”模式。\n\n图①提前到岗疏导交通。\n\n"
              "图② 深入校园检查安防设施。\n\n图③：对校园周边场所进行清查。\n")


def picture(path: Path, fmt: str, size=(1600, 1000), color=(200, 40, 40)) -> Path:
    image = Image.new("RGB", size, color)
    for x in range(0, size[0], 97):  # some detail, so the encoders have work to do
        image.paste((20, 20, x % 255), (x, 0, min(size[0], x + 20), size[1]))
    image.save(path, fmt)
    return path


# --- captions -------------------------------------------------------------------------------------

def test_circled_captions_are_taken_in_order_and_leave_the_other_paragraphs():
    rest, captions = split_captions(PHOTO_BODY)
    assert rest == ["为筑牢护学防线，全市公安机关开启“护学”模式。"]
    assert captions == [Caption(1, "提前到岗疏导交通。"), Caption(2, "深入校园检查安防设施。"),
                        Caption(3, "对校园周边场所进行清查。")]
    assert [c.label for c in captions] == ["图①", "图②", "图③"]


def test_a_paragraph_mentioning_a_picture_is_not_a_caption():
    rest, captions = split_captions("民警开展演练，提升了反应能力。（图①）\n\n图示说明不是图注。\n")
    assert captions == [] and len(rest) == 2


# --- pictures in the site ------------------------------------------------------------------------

@pytest.fixture
def photo_site(tmp_path):
    content = tmp_path / "content"
    folder = write_issue(content, "2024-03-15", "2024-03-15", articles=[
        {"kind": "photo", "photographers": ["曹梦溪"], "body": PHOTO_BODY, "title": "护学岗"},
        {"title": "无图的图片新闻", "kind": "photo", "photographers": ["王玉强", "徐文静"], "body": PHOTO_BODY},
        {"title": "列出图片的报道", "images": [{"file": "listed.webp", "caption": "编辑写的图注"}]},
    ])
    pictures = folder / "01-article-1"
    pictures.mkdir()
    picture(pictures / "a.jpg", "JPEG")
    picture(pictures / "b.png", "PNG", size=(700, 500))
    picture(pictures / "c.webp", "WEBP", size=(300, 200))
    (pictures / "d-corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a JPEG")
    picture(pictures / "e-really-png.jpg", "PNG")
    picture(Path(tmp_path / "full.jpg"), "JPEG")
    full = (tmp_path / "full.jpg").read_bytes()
    (pictures / "f-truncated.jpg").write_bytes(full[: len(full) // 2])
    Image.new("1", (9000, 8000)).save(pictures / "g-huge.png")
    (pictures / "notes.txt").write_text("图片来源：宣传科", encoding="utf-8")
    picture(folder / "listed.webp", "WEBP", size=(1000, 800))
    return tmp_path


def test_pictures_are_resized_published_and_bad_ones_reported(photo_site, capsys):
    # A base URL, for the JSON-LD image: it is absolute, so only there with a base URL.
    assert build(photo_site, "--base-url", "https://example.org/archive/") == 1  # built, but pictures were skipped
    summary = capsys.readouterr().out
    for name, reason in (("d-corrupt.jpg", "damaged"), ("e-really-png.jpg", "PNG data"),
                         ("f-truncated.jpg", "truncated"), ("g-huge.png", "too large"), ("notes.txt", "not a picture")):
        assert re.search(rf"2024-03-15/01-article-1/{re.escape(name)}: [^\n]*{reason}", summary), (name, summary.splitlines())
    public = photo_site / "public"
    page = (public / "issues/2024/03-15/01-article-1.html").read_text(encoding="utf-8")
    figures = re.findall(r"<figure class=\"article-figure\">(.*?)</figure>", page, re.S)
    assert len(figures) == 3  # a.jpg, b.png, c.webp; the four bad files are skipped
    first = figures[0]
    assert 'loading="lazy"' in first and 'width="960"' in first and 'height="600"' in first
    assert re.search(r'srcset="[^"]*-480\.jpg 480w, [^"]*-960\.jpg 960w, [^"]*-1440\.jpg 1440w"', first)
    assert 'alt="提前到岗疏导交通。"' in first and "图①" in first
    assert 'alt="深入校园检查安防设施。"' in figures[1] and 'alt="对校园周边场所进行清查。"' in figures[2]
    # The captions went to their pictures; the lead paragraph stays in the body.
    body = page.split('<div class="article-body">')[1].split("</div>")[0]
    assert "护学" in body and "图①" not in body and "疏导交通" not in body
    # Every srcset file exists, with the size it claims.
    for url, width in re.findall(r"(images/[^\s\"]+) (\d+)w", page):
        with Image.open(public / url) as image:
            assert image.width == int(width)
    with Image.open(public / re.search(r'src="\.\./\.\./\.\./(images/[^"]+\.png)"', page).group(1)) as png:
        assert png.format == "PNG" and png.size == (700, 500)  # never enlarged
    # The first picture is the card thumbnail and the JSON-LD image.
    issue_page = (public / "issues/2024/03-15/index.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="thumb" href="[^"]*/01-article-1.html"[^>]*><img src="\.\./\.\./\.\./images/[^"]+-480\.jpg"',
                     issue_page)
    ld = json.loads(re.search(r'<script type="application/ld\+json">\s*(.*?)\s*</script>', page, re.S).group(1))
    assert re.fullmatch(r"https://example\.org/archive/images/2024/03-15/01-article-1/a-[0-9a-f]{8}-960\.jpg", ld["image"])
    # A listed picture takes the editor's caption.
    listed = (public / "issues/2024/03-15/03-article-3.html").read_text(encoding="utf-8")
    assert 'alt="编辑写的图注"' in listed and "<figcaption>编辑写的图注" in listed


def test_resized_pictures_are_cached_and_byte_identical(photo_site):
    build(photo_site)
    first = tree(photo_site / "public")
    cached = sorted((photo_site / "cache" / "images").rglob("*.pickle"))
    assert cached  # the resized pictures are kept under --cache-dir
    shutil.rmtree(photo_site / "cache")
    shutil.rmtree(photo_site / "public")
    build(photo_site)
    assert tree(photo_site / "public") == first
    build(photo_site)  # from the cache
    assert tree(photo_site / "public") == first


def test_a_replaced_picture_gets_a_new_url_and_the_old_files_go(photo_site):
    build(photo_site)
    before = {rel for rel in tree(photo_site / "public") if rel.startswith("images/")}
    picture(photo_site / "content/2024-03-15/01-article-1/a.jpg", "JPEG", color=(10, 120, 10))
    build(photo_site)
    after = {rel for rel in tree(photo_site / "public") if rel.startswith("images/")}
    assert len(before - after) == 3 and len(after - before) == 3  # a.jpg's three widths


def test_a_photo_item_without_pictures_shows_its_captions_as_a_labelled_block(photo_site):
    build(photo_site)
    page = (photo_site / "public/issues/2024/03-15/02-article-2.html").read_text(encoding="utf-8")
    block = re.search(r'<section class="photo-news" aria-label="图片新闻">(.*?)</section>', page, re.S).group(1)
    assert "图片新闻" in block and "摄影 王玉强、徐文静" in block
    assert re.findall(r'<span class="figure-label">(图.)</span>', block) == ["图①", "图②", "图③"]
    assert "为筑牢护学防线" in block and 'class="article-body"' not in page


@pytest.mark.browser
def test_photo_layout_in_chromium(photo_site, browser):
    build(photo_site)
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1280, 375):
        page = browser.new_page(viewport={"width": width, "height": 900})
        for name in ("01-article-1", "02-article-2"):
            page.goto((photo_site / f"public/issues/2024/03-15/{name}.html").as_uri())
            page.screenshot(path=str(ARTIFACTS / f"photo-{name}-{width}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.goto((photo_site / "public/issues/2024/03-15/01-article-1.html").as_uri())
        page.evaluate("document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
        page.wait_for_function("[...document.querySelectorAll('figure img')].every(i => i.complete && i.naturalWidth)")
        boxes = page.evaluate("[...document.querySelectorAll('figure img')].map(i => i.getBoundingClientRect().width)")
        main = page.evaluate("document.querySelector('main').clientWidth")
        assert len(boxes) == 3 and all(0 < w <= main for w in boxes)
        page.goto((photo_site / "public/issues/2024/03-15/02-article-2.html").as_uri())
        block = page.locator("section.photo-news")
        assert block.is_visible() and block.locator("li").count() == 3
        assert block.get_attribute("aria-label") == "图片新闻"
        page.close()


def test_a_picture_folder_without_its_article_is_reported(tmp_path, capsys):
    folder = write_issue(tmp_path / "content", "2024-03-15", "2024-03-15")
    (folder / "07-renamed-article").mkdir()
    picture(folder / "07-renamed-article" / "a.jpg", "JPEG", size=(200, 100))
    assert build(tmp_path) == 1
    assert ("2024-03-15/07-renamed-article/: a picture folder, but there is no article "
            "2024-03-15/07-renamed-article.md") in capsys.readouterr().out


def test_only_folders_with_pictures_and_no_article_are_reported_links_included(tmp_path, capsys):
    folder = write_issue(tmp_path / "content", "2024-03-15", "2024-03-15")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    picture(elsewhere / "b.jpg", "JPEG", size=(200, 100))
    (folder / "08-linked").symlink_to(elsewhere, target_is_directory=True)  # a link to a folder counts
    (folder / ".hidden").mkdir()
    picture(folder / ".hidden" / "c.jpg", "JPEG", size=(200, 100))
    (folder / "09-empty").mkdir()
    (folder / "10-only-hidden").mkdir()
    (folder / "10-only-hidden" / ".DS_Store").write_bytes(b"x")
    build(tmp_path)
    out = capsys.readouterr().out
    assert "2024-03-15/08-linked/: a picture folder, but there is no article" in out
    for quiet in (".hidden", "09-empty", "10-only-hidden"):
        assert f"2024-03-15/{quiet}/" not in out


def test_a_link_named_after_an_article_is_neither_read_for_pictures_nor_reported(tmp_path, capsys):
    folder = write_issue(tmp_path / "content", "2024-03-15", "2024-03-15")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    picture(elsewhere / "b.jpg", "JPEG", size=(200, 100))
    (folder / "01-article-1").symlink_to(elsewhere, target_is_directory=True)
    assert build(tmp_path) == 0
    assert "01-article-1" not in capsys.readouterr().out
    assert not (tmp_path / "public" / "images").exists()
