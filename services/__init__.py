"""The services: each a small Flask app that decides and appends (see docs/architecture.md)."""
