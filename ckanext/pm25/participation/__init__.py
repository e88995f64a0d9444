"""Participation: what the public asks of the platform. Province alerts (issue 17): anyone
subscribes with an e-mail address to an area (a province now, a district later) and a threshold,
confirms by a signed link, and gets one e-mail when the area's 24-hour mean crosses the threshold
and one when it is back under, sent in bulk from the scheduler (``ckan pm25 alerts send``)."""
