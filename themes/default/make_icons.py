# Renders static/icons/favicon.svg to the PNG icons with Debian Chromium. Run from the project root
# (.venv/bin/python themes/default/make_icons.py) after changing the SVG; the PNGs are committed.
from pathlib import Path
from playwright.sync_api import sync_playwright
icons = Path(__file__).resolve().parent / "static" / "icons"
svg = (icons / "favicon.svg").read_text()
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    for name, size in (("favicon-32.png", 32), ("apple-touch-icon.png", 180), ("icon-512.png", 512)):
        page = b.new_page(viewport={"width": size, "height": size})
        sized = svg.replace("<svg ", '<svg width="%d" height="%d" ' % (size, size))
        page.set_content('<html><body style="margin:0;background:transparent">' + sized + '</body></html>')
        page.screenshot(path=str(icons / name), omit_background=True)
    b.close()
