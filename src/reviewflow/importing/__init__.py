"""Import stage: every raw search export becomes rows of one records table, so later stages read one layout."""
