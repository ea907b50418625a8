"""content/: the editable source of truth. The file format (format.py), the whole tree as the
renderer reads it (store.py), the import state (state.py) and the writes that never overwrite an
editor's change (write.py)."""
from .format import (FRONT_MATTER_KEYS, ISSUE_FILE, REQUIRED_KEYS, ContentError, article_front_matter,
                     blocks_to_markdown, dump_yaml, escape_markdown, format_article, format_issue, load_yaml,
                     markdown_to_blocks, parse_article, parse_issue, plain_blocks, unescape_markdown, valid_date)
from .store import ContentSet, load_content, remember_parsed

__all__ = ["FRONT_MATTER_KEYS", "ISSUE_FILE", "REQUIRED_KEYS", "ContentError", "ContentSet", "article_front_matter",
           "blocks_to_markdown", "dump_yaml", "escape_markdown", "format_article", "format_issue", "load_content",
           "load_yaml", "markdown_to_blocks", "parse_article", "parse_issue", "plain_blocks", "remember_parsed",
           "unescape_markdown", "valid_date"]
