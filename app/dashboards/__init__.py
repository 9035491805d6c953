"""Officials' dashboards: figures from rollups per region, scoped to the official's subtree."""
