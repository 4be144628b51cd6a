"""The notifications' read side: every message (queued, sent, failed, skipped, bounced),
bounced addresses and preferences; the sender's queue and the "what we told you" pages."""
