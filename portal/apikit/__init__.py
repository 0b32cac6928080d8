"""Plumbing shared by every router of the JSON API: authentication by API key, the error
shape, request schemas, pagination and idempotent creates. It sits below the apps and imports
none of them; `portal.api` assembles the API from the apps' routers."""
