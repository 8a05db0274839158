"""后台维护端: the staff console at /admin, server-rendered Jinja2 pages over the same services as the API."""
