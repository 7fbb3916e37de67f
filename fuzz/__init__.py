"""Fuzzing of the spreadsheet importer: seed ledgers, mutations of them, and the harness that
feeds them to preview and run_import (`python -m fuzz --inputs 10000` for a long run)."""
