"""The trust days' read side: PD days, slots, sessions, places, marks and attendees."""
