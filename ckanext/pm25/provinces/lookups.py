"""What several pages look up from their URL, answered with a 404 page when it does not exist."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.pm25.geo.provinces import Province, find_province


def province_or_404(code: str) -> Province:
    """The province named by a URL's code (any accepted form: TH-52, TH52, 52, a name)."""
    province = find_province(code)
    if province is None:
        tk.abort(404, tk._("There is no province with the code %(code)s. Province codes are ISO 3166-2:TH "
                           "codes such as TH-52 (Lampang).") % {"code": code[:40]})
    return province
