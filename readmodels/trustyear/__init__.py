"""The trust year's read side: the trust's terms, each school's own terms and closures, and
which schools are closed on which days (bank holidays computed, see services/trustyear)."""
