"""Evaluate: datasets with gold labels and the metrics that score newsprism on them."""
