"""The directory's tables: schools, people and their roles, identity links and feed tokens."""

from __future__ import annotations

from sqlalchemy import Column, String, Table, Text

from events.db import UtcDateTime
from readmodels import metadata

schools = Table(
    "schools",
    metadata,
    Column("school_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("phase", String(20), nullable=False),
    Column("urn", String(6), nullable=False),
    Column("town", String(100), nullable=False),
)

people = Table(
    "people",
    metadata,
    Column("person_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=False),
    Column("email_key", String(320), nullable=False, unique=True),  # lowercased: unique in any case
    Column("school_id", String(36), nullable=True, index=True),  # None: the central team
    Column("category", String(20), nullable=False),
    Column("job_title", String(200), nullable=False),
    Column("subjects", Text, nullable=False),  # '; '-joined subjects, or the phase taught
    Column("status", String(10), nullable=False),  # active, or left (their CPD record stays)
)

role_grants = Table(
    "role_grants",
    metadata,
    Column("person_id", String(36), primary_key=True),
    Column("role", String(30), primary_key=True),
    Column("school_id", String(36), primary_key=True),  # '' trust-wide (a key cannot be NULL)
)

# Posts: what people do (services/directory/events.py POSTS); a person holds a post at one
# school at most (their own), so (person, post) is the key.
directory_posts = Table(
    "directory_posts",
    metadata,
    Column("person_id", String(36), primary_key=True),
    Column("post", String(40), primary_key=True),
    Column("school_id", String(36), nullable=True, index=True),  # None: a central post
)

# Calendar feeds: each person's current secret (the log holds it: see README).
feed_tokens = Table(
    "feed_tokens",
    metadata,
    Column("person_id", String(36), primary_key=True),
    Column("token", String(64), nullable=False, unique=True),
    Column("issued_at", UtcDateTime(), nullable=False),
)

# Who signs in with OpenID Connect (the directory's IdentityLinked facts): the provider's
# issuer and subject, linked to a person on their first sign-in and matched on afterwards
# (an email changed later moves nothing).
identity_links = Table(
    "identity_links",
    metadata,
    Column("issuer", String(300), primary_key=True),
    Column("subject", String(255), primary_key=True),
    Column("person_id", String(36), nullable=False, index=True),
    Column("linked_at", UtcDateTime(), nullable=False),
)
