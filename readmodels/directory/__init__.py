"""The directory's read side: schools, people, their roles, identity links and feed
tokens. The gateway reads it to know who signs in; pages to show staff."""
