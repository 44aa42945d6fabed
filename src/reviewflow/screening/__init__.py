"""Screening stage: people decide which works meet the review's criteria, after rules exclude what rules can."""
