"""Research tools: domains, PMS vendors (and, later, search, fetch, extract, contacts)."""
