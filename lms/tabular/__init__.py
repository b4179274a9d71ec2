"""Spreadsheets in and out: the one bounded reader every import uses (`reading`) and the one
writer every CSV and XLSX file goes through (`writing`, with the formula escaping)."""
