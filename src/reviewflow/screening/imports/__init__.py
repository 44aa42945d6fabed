"""Decisions made in other screening tools (Rayyan, Covidence, ASReview), turned into reviewflow decision files."""
