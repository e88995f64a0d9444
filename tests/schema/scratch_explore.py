import json, pytest
from ckan.tests import factories, helpers
import ckan.plugins.toolkit as tk
from tests.factories import create_pm25_dataset
import ckan.lib.navl.dictization_functions as df

@pytest.mark.usefixtures("clean_db", "clean_index")
def test_explore():
    d = create_pm25_dataset()
    shown = helpers.call_action("package_show", id=d["id"])
    orig = df._validate
    def spy(data, schema, context):
        out = orig(data, schema, context)
        print("KEYS", sorted(k[0] for k in data if len(k)==1), sorted(schema))
        return out
    df._validate = spy
    try:
        helpers.call_action("package_update", **shown)
    finally:
        df._validate = orig
