"""The daily digest: a person's messages held for it go as ONE email at 07:00 UK time.

Each held message is judged as the sender judges any (letters.decide: one that no longer
holds is skipped with its reason, one whose thing moved later waits for a later digest);
what is left is claimed in one command (every message or none: `Several` of claims), sent
as one email without calendars, and every message it carried is recorded as sent with the
email's Message-ID. If nothing is left, no email goes.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from services.notifications import letters
from services.notifications.domain import Claim, Reschedule, Several, Skip
from services.notifications.events import digest_id
from services.notifications.letters import Letter, long_date, today_in_the_uk
from services.notifications.smtp import Mailer

if TYPE_CHECKING:
    from services.notifications.sender import Sender

KIND = "digest"
"""The digest's own kind: its List-Unsubscribe link turns off what the person digests."""


async def send(sender: Sender, rows: list[Any], mailer: Mailer) -> None:
    """Judge, claim and send one person's due digest messages as one email."""
    person = rows[0].person_id
    now = sender.clock()
    told = await sender.told(person)
    items: list[tuple[Any, Letter]] = []
    for row in rows:
        decision = await sender.judge(row, now, told)
        if isinstance(decision, letters.Skipped):
            await sender.command(person, Skip(row.message_id, decision.reason))
        elif isinstance(decision, letters.Later):  # the outbox moves it to a later digest
            await sender.command(person, Reschedule(row.message_id, decision.due))
        else:
            items.append((row, decision))
    if not items:
        return
    carried = [row.message_id for row, _ in items]
    if not await sender.command(person, Several(tuple(Claim(m, now) for m in carried))):
        return  # another sender claimed one, or the read model was behind: next round
    if sender.after_claim is not None:
        await sender.after_claim(carried[0])
    letter = compose([letter for _, letter in items], now, sender.config.base_url)
    await sender.deliver(person, carried, KIND, digest_id(carried), letter, mailer)


def compose(items: list[Letter], now: datetime, base_url: str) -> Letter:
    """One letter listing each item: what it says and its links; no calendar."""
    first = items[0]
    count = f"{len(items)} item" + ("" if len(items) == 1 else "s")
    lines = [f"Your daily digest for {long_date(today_in_the_uk(now))}: {count}."]
    actions: list[tuple[str, str]] = []
    for number, item in enumerate(items, 1):
        said = "\n".join(line for line in item.lines if line)
        links = "".join(f"\n{label}: {url}" for label, url in item.actions)
        lines.append(f"{number}. {item.subject}\n{said}{links}\nOpen it: {item.link}")
        actions.extend((f"{number}. {label}", url) for label, url in item.actions)
        actions.append((f"{number}. Open: {item.subject}", item.link))
    lines.append(
        "These waited for your digest because you chose so under “What you are sent”; "
        "anything about your own bookings and meetings is always sent at once."
    )
    subject = f"Your Staffroom digest: {count}, {long_date(today_in_the_uk(now))}"
    return Letter(
        first.to,
        first.name,
        subject,
        tuple(lines),
        f"{base_url}me/messages",
        actions=tuple(actions),
    )
