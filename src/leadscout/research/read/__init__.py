"""Reading pages: text blocks, links, embedded data, and the readers of units, people, places and PMS signals."""
