"""The trust year service: the academic year's terms, each school's own terms and closures."""
