"""The networks service: networks, date polls and their meetings, series, school priorities."""
