"""The encodings and date formats the generator can write: `csc generate`'s --encoding and --date-format choices.

Apart from writer.py (which writes each) so that building the CLI's parser, for every `csc` command, does not import
pandas."""

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")
DATE_FORMATS = ("iso", "uk")
