"""Only for Babel's setuptools commands (`python setup.py extract_messages` etc., configured in
setup.cfg); the package itself is described in pyproject.toml."""
from setuptools import setup

setup()
