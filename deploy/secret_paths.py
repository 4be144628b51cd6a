"""The paths whose next segment is a secret, in one list: the gateway lets them through
without a session (gateway/__init__.py OPEN_PATHS; the signed links without a CSRF token
too: gateway/csrf.py), and the access log masks that segment (deploy/access_log.py).

A calendar feed's token lets anyone read that person's calendar; an email's signed link
(unsubscribe, an invitation's answer, a poll's personal link) acts for the person it names.
Here, importing nothing, so that gunicorn's logger in every arbiter and worker needs no
more (the gateway's package is about 26 MB a process)."""

FEEDS = "/feeds/"
SIGNED_LINKS = ("/notifications/unsubscribe/", "/invitations/", "/polls/")
"""Links in an email, signed for one person (services/notifications: unsubscribe.py,
invitations.py), answered with no session and no CSRF token: one-click unsubscribe (RFC
8058: the mail program posts), a meeting invitation's accept and decline, a date poll's
personal link (a phone's mail app, not signed in). The signed link is the credential, and
all it can do is what it names for the person it names: turn one kind of email off, answer
one invitation, answer one poll. A forged one the frontend answers 404."""
SECRET_PATHS = (FEEDS, *SIGNED_LINKS)
SECRET_QUERY = ("code", "state")
"""The sign-in callback's (/sign-in/callback?code=…&state=…): the school's one-time
authorization code, and the value that ties it to the browser that asked."""
