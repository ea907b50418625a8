# The peer benchmark's Pelican site (bench/peers.py): Pelican's default settings, except what a
# Chinese site must say and the trivial theme beside this file. bench/peers.py turns the content
# cache on with --extra-settings for the "Pelican + cache" row.
from pathlib import Path

SITENAME = "济宁公安"
SITEURL = ""
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
THEME = str(Path(__file__).resolve().parent / "theme")
