"""One reader per export format, chosen from the file's content, so any database's export can be imported."""
