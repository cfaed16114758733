"""Reads of community links: the directory search (selectors.directory) and referrals
(selectors.referrals)."""
