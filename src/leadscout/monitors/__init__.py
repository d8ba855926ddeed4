"""Monitors: a saved request that re-runs on a schedule and delivers only what changed (new
companies, companies gone, changes that matter on the ones delivered), with evidence."""
