"""The networks\x27 read side: tables, projection, queries, calendars."""
