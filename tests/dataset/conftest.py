from tests.dataset.fixtures import agency, ckan_per_module, other_agency, sysadmin  # noqa: F401
