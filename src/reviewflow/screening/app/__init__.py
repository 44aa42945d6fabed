"""``reviewflow screen``: a local web app where a reviewer screens works one at a time in the browser.

It writes the very decision files the build reads (``data/screening/<stage>/<reviewer>.csv``), one row per work,
rewritten atomically after every decision, so closing the tab or a crash loses nothing and no export step exists.
"""
