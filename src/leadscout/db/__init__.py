"""Database layer: schema and migrations, named queries, the Store, the embedded server."""
