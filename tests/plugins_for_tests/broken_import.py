"""A plugin that fails while being imported, like one whose dependency is missing."""

raise ImportError("No module named 'some_missing_sdk'")
