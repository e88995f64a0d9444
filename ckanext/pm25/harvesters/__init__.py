"""Harvesters: one module per source on shared HTTP (``http``) and normalising (``normalise``)."""
