"""The run pipeline: state machine, criteria, sources and stages."""
