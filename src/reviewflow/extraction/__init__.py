"""Extraction stage: the data extracted from each included study is checked, so the synthesis reads complete rows."""
