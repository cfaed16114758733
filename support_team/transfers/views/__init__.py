"""The transfer pages: packets (within the district, and every packet's own page) and
exchange (files to and from other districts)."""
