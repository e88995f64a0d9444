"""ckanext-pm25: the central platform for Thailand\x27s PM2.5 open data."""

# The one place the version is written: pyproject.toml reads it ([tool.setuptools.dynamic]) and
# CHANGELOG.rst names it.
__version__ = "0.1.0"
