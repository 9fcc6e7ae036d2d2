"""Words in context: a word's occurrences, their contextual vectors, senses and self-similarity."""
