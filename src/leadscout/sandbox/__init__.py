"""The sandbox world: a seeded, generated world of property-management companies."""
