"""Performance benchmark of the site as it runs on a server (``make bench``; docs/performance.md).

A measurement tool, not a test: nothing here is collected by pytest or imported by the site.
"""
