"""A first `.env` for docker-compose.yml: every secret it asks for, each a fresh random
value (hex, so it is safe inside a URL), and the sign-in settings to fill in:

    python -m deploy.env_file > .env && chmod 600 .env

Run it once: new values on a running deployment lock every process out of NATS and the
database until all of them restart with the same ones.
"""

from __future__ import annotations

import re
import secrets

from deploy.compose import compose_file

HEADER = """\
# Staffroom's secrets for docker-compose.yml, made by `python -m deploy.env_file`.
# Keep this file out of version control and readable by its owner only (chmod 600).
"""
SIGN_IN = """\
# Sign-in: the trust's OpenID Connect provider (README, "Running it for a whole trust").
STAFFROOM_OIDC_ISSUER=
STAFFROOM_OIDC_CLIENT_ID=
STAFFROOM_OIDC_CLIENT_SECRET=
"""


def required_variables() -> list[str]:
    """Every variable docker-compose.yml refuses to start without."""
    return sorted(set(re.findall(r"\$\{(\w+):\?", compose_file())))


def env_file() -> str:
    values = "".join(f"{name}={secrets.token_hex(32)}\n" for name in required_variables())
    return HEADER + values + SIGN_IN


if __name__ == "__main__":
    print(env_file(), end="")
