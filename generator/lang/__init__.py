"""Language helpers several stages share: jieba segmentation (segment.py), pinyin slugs (slugs.py)."""
