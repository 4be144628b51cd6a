"""The pages, one module an area. Each answers a plain request with a whole page, and an
htmx request that targets one of its parts with that part alone (one template block: the
two cannot drift). A new area's blueprint is one line in BLUEPRINTS."""

from __future__ import annotations

from flask import Blueprint

from frontend.pages.feeds import feeds
from frontend.pages.home import home
from frontend.pages.mycpd import mycpd
from frontend.pages.nav import nav
from frontend.pages.operator import operator
from frontend.pages.overview import overview
from frontend.pages.people import people
from frontend.pages.planning import planning
from frontend.pages.programme import programme
from frontend.pages.register import register
from frontend.pages.staff import staff

BLUEPRINTS: tuple[Blueprint, ...] = (home, staff, programme, mycpd, register, overview, feeds)
BLUEPRINTS += (nav, operator)
BLUEPRINTS += (people,)
BLUEPRINTS += (planning,)
from frontend.pages.meetings import meetings  # noqa: E402
from frontend.pages.polls import polls  # noqa: E402

BLUEPRINTS += (polls, meetings)
from frontend.pages.actions import actions  # noqa: E402
from frontend.pages.compliance import board  # noqa: E402
from frontend.pages.networks import networks  # noqa: E402
from frontend.pages.series import series  # noqa: E402

BLUEPRINTS += (networks, series, board, actions)
from frontend.pages.year import year  # noqa: E402
from frontend.pages.year_school import school_year  # noqa: E402

BLUEPRINTS += (year, school_year)
from frontend.pages.mail import mail  # noqa: E402
from frontend.pages.messages import messages  # noqa: E402
from frontend.pages.preferences import preferences  # noqa: E402

BLUEPRINTS += (messages, mail, preferences)
from frontend.pages.people_posts import people_posts  # noqa: E402

BLUEPRINTS += (people_posts,)
from frontend.pages.invitations import answers as invitation_answers  # noqa: E402

BLUEPRINTS += (invitation_answers,)
from frontend.pages.poll_links import poll_links  # noqa: E402

BLUEPRINTS += (poll_links,)
