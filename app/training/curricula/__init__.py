"""The curricula folder: file format, validation with line numbers, import."""
