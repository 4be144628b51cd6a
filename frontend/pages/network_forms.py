"""The network form: what it sends the networks service (the network's whole record), what
was wrong with it, field by field, and the values it starts with.

People are named by their work email (the facilitator is chosen from a list): an email
nobody in the trust has is the form's own error, and nothing is sent. The agenda template is
one item a line, its minutes after the last comma ("Actions from last time, 10")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, Row

from frontend.commands import Refused
from frontend.numbers import number_in
from frontend.pages.service_rules import flat
from readmodels.directory.queries import find_by_email
from readmodels.networks.forming import emails_of
from services.directory.events import POSTS
from services.networks.events import CADENCES, KINDS

Errors = dict[str, str]
DEFAULTS = {"kind": "subject", "rule": "per_year", "count": "3", "minutes": "90"}
TEMPLATE_MINUTES = 10
"""An agenda template item's minutes when its line gives none."""
RULE_FIELDS = {"cadence": "count", "cadence.count": "count", "cadence.rule": "rule"}


def text(form: Mapping[str, str], name: str) -> str:
    return (form.get(name) or "").strip()


def emails(value: str) -> list[str]:
    """Emails one a line (or separated by commas or spaces), each once."""
    found = value.replace(",", " ").replace(";", " ").split()
    return list(dict.fromkeys(email.lower() for email in found))


def people_by_email(engine: Engine, value: str) -> tuple[list[str], list[str]]:
    """The ids of the people named, and the emails nobody in the trust has."""
    ids, unknown = [], []
    for email in emails(value):
        person_id = find_by_email(engine, email)
        if person_id:
            ids.append(person_id)
        else:
            unknown.append(email)
    return list(dict.fromkeys(ids)), unknown


def agenda_template(value: str) -> tuple[list[dict[str, Any]], str | None]:
    """The template's items from its lines; what is wrong with a line, if one is."""
    items: list[dict[str, Any]] = []
    for line in value.splitlines():
        line = line.strip()
        if not line:
            continue
        title, _, minutes = line.rpartition(",")
        if not title or not minutes.strip().isdigit():  # any digits: a number, or refused
            title, minutes = line, str(TEMPLATE_MINUTES)
        title = title.strip()
        if len(title) > 200:
            return items, f"Keep each item to 200 characters: “{title[:40]}…”."
        length = number_in(minutes, 1, 600)
        if length is None:
            return items, f"Give “{title}” between 1 and 600 minutes."
        items.append({"title": title, "minutes": length})
    return items, None


def number(form: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    return number_in(text(form, name), low, high)


def network_body(form: Mapping[str, str], posts: list[str], engine: Engine) -> tuple[dict, Errors]:
    """The network's record from the form (`posts`: the member posts ticked)."""
    errors: Errors = {}
    body: dict[str, Any] = {
        "name": text(form, "name"),
        "kind": text(form, "kind"),
        "description": text(form, "description"),
        "member_posts": [post for post in posts if post in POSTS],
        "facilitator_id": text(form, "facilitator_id"),
        "private": text(form, "private") == "yes",
        "venue": text(form, "venue"),
    }
    if not body["name"]:
        errors["name"] = "Give the network a name, like Maths leads."
    if body["kind"] not in KINDS:
        errors["kind"] = "Choose what kind of network it is."
    if not body["facilitator_id"]:
        errors["facilitator_id"] = "Choose who facilitates it."
    rule, count = text(form, "rule"), number(form, "count", 1, 60)
    if rule not in CADENCES:
        errors["rule"] = "Choose how often it must meet."
    if count is None and rule != "fortnightly":
        errors["count"] = "Give how many times, from 1 to 60."
    body["cadence"] = {"rule": rule, "count": 1 if rule == "fortnightly" else count or 1}
    minutes = number(form, "minutes", 10, 600)
    if minutes is None:
        errors["minutes"] = "Give the usual length in minutes, like 90."
    body["minutes"] = minutes or 60
    body["member_ids"], unknown = people_by_email(engine, text(form, "member_emails"))
    if unknown:
        errors["member_emails"] = f"Nobody in the trust has the email {unknown[0]}."
    body["agenda_lead_id"] = None
    if lead := text(form, "agenda_lead_email"):
        body["agenda_lead_id"] = find_by_email(engine, lead)
        if body["agenda_lead_id"] is None:
            errors["agenda_lead_email"] = f"Nobody in the trust has the email {lead}."
    body["agenda_template"], wrong = agenda_template(text(form, "agenda_template"))
    if wrong:
        errors["agenda_template"] = wrong
    if not (body["member_posts"] or body["member_ids"]):
        errors["member_posts"] = "Choose the posts whose holders belong, or name the members."
    return body, errors


def refused_errors(refused: Refused) -> Errors:
    """The service's field errors at the form's fields; else its sentence at the top."""
    errors: Errors = {}
    for name, said in flat(refused.fields).items():
        field = name.removeprefix("json.")
        if field.startswith("member_ids"):
            field = "member_emails"
        elif field.startswith("agenda_lead"):
            field = "agenda_lead_email"
        elif field.startswith("agenda_template"):
            field = "agenda_template"
        elif field.startswith("member_posts"):
            field = "member_posts"
        errors[RULE_FIELDS.get(field, field)] = said
    return errors or {"": refused.message}


def network_values(network: Row, posts: list[str], named: list[str], engine: Engine) -> dict:
    """The form as the network stands."""
    addresses = emails_of(engine, [*named, *filter(None, [network.agenda_lead_id])])
    template = network.agenda_template or []
    return {
        "name": network.name,
        "kind": network.kind,
        "description": network.description,
        "posts": posts,
        "facilitator_id": network.facilitator_id,
        "agenda_lead_email": addresses.get(network.agenda_lead_id or "", ""),
        "member_emails": "\n".join(addresses[p] for p in named if p in addresses),
        "rule": network.cadence_rule,
        "count": str(network.cadence_count),
        "minutes": str(network.minutes),
        "venue": network.venue,
        "private": "yes" if network.private else "",
        "agenda_template": "\n".join(f"{i['title']}, {i['minutes']}" for i in template),
    }


def sent_values(form: Mapping[str, str], posts: list[str]) -> dict:
    return {**form, "posts": posts}
