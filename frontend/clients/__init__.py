"""Typed clients of the services the pages call: each owns its service's URLs and waits
until the service's projection has read the write (read your writes), so a page says
what it does (`trustdays.book(...)`), never how the service is reached."""
