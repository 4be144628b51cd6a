"""The main menu, and role names as people read them: every page's header asks here.

A link shows only to who may open it (no link leads to "Forbidden"), and only once its
page exists: areas arrive one by one, so the menu asks the app's url_map, never assumes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, current_app, request, url_for

from events.identity import ROLES, SCHOOL_LEADERS, Identity, sees_staff
from services.networks.access import sees_compliance
from services.trustdays.access import places_anyone, plans_days

nav = Blueprint("nav", __name__)


def keeps_the_log(who: Identity) -> bool:
    """The log's health, for the trust admin who runs Staffroom."""
    return who.holds("trust_admin")


def finds_people(who: Identity) -> bool:
    """The people page's rule: the CPD manager finds anyone, a headteacher or school CPD
    lead the people of their school (frontend/pages/people.py answers 403 to others)."""
    return places_anyone(who) or bool(who.schools_where(*SCHOOL_LEADERS))


def everyone(who: Identity) -> bool:
    return True


@dataclass(frozen=True)
class Link:
    endpoint: str
    label: str
    shown_to: Callable[[Identity], bool]
    also_current_in: tuple[str, ...] = ()
    """Other areas (blueprints) that belong to this link: a day's programme to PD days."""

    def is_current(self, blueprint: str | None) -> bool:
        return blueprint in (self.endpoint.split(".")[0], *self.also_current_in)


MENU = (
    Link("home.index", "PD days", everyone, ("programme", "overview")),
    Link("mycpd.page", "My CPD", everyone),
    Link("networks.index", "Networks", everyone, ("series", "polls", "meetings")),
    Link("actions.mine", "My actions", everyone),
    Link("compliance.page", "Compliance", sees_compliance),
    Link("year.current", "Term dates", everyone, ("school_year",)),
    Link("people.search", "People", finds_people),
    Link("staff.page", "Staff", sees_staff),
    Link("planning.index", "Plan", plans_days),
    Link("operator.page", "Operator", keeps_the_log),
)


nav.add_app_template_global(plans_days)  # the trust days' own rule, asked by their API too


@nav.app_template_global()
def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


@dataclass(frozen=True)
class MenuItem:
    href: str
    label: str
    current: bool


@nav.app_template_global()
def menu(who: Identity | None) -> list[MenuItem]:
    """The links this person may follow, the page they are on marked."""
    if who is None:
        return []
    shown = [link for link in MENU if has_endpoint(link.endpoint) and link.shown_to(who)]
    if any(link.endpoint == "people.search" for link in shown):
        shown = [link for link in shown if link.endpoint != "staff.page"]  # People replaces it
    return [
        MenuItem(url_for(link.endpoint), link.label, link.is_current(request.blueprint))
        for link in shown
    ]


@nav.app_template_filter()
def role_label(name: str) -> str:
    """A role as people say it ("CPD manager", not cpd_manager)."""
    return ROLES.get(name, name.replace("_", " ").capitalize())


@nav.app_template_global()
def role_names(who: Identity) -> list[str]:
    """The person's roles, as people say them, in the order of events.identity.ROLES."""
    held = {role.name for role in who.roles}
    return [label for name, label in ROLES.items() if name in held and name != "staff"]
