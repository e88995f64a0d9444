"""ckanext-pm25: the central platform for Thailand\x27s PM2.5 open data."""
