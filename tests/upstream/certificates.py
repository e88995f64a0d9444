"""Moved to ckanext.pm25.demo.upstream.certificates (the package's imitation servers use it)."""
from __future__ import annotations

from ckanext.pm25.demo.upstream.certificates import self_signed_certificate

__all__ = ["self_signed_certificate"]
