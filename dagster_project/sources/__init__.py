"""Statutory returns (CIN census XML, SSDA903 CSVs) as sources: importers that write an ordinary extract
folder, and the source descriptor that says what such a folder cannot provide. See README.md here."""
