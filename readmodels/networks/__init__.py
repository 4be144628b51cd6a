"""The networks' read side: tables, projection, queries, calendars."""
