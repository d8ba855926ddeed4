"""Research: getting pages (web/), reading them (read/) and judging what they say (judge/)."""
