"""Searching the databases with open APIs from the search log's queries, frozen as dated snapshots.

Searching is the one step that goes to the network, so it is explicit (`reviewflow search`, `make search`) and
never part of a build: a build replays the frozen files, whose bytes the import checks against their provenance.
"""
