"""The bulletin archive generator: raw issue text -> Markdown content -> static site."""
