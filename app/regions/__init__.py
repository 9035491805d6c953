"""Administrative divisions: the data loader, the ``yunpin regions`` commands, the JSON
endpoints behind the region picker, and the vendored maps.

``routes.bp`` is the blueprint, ``cli.regions_cli`` the click group. Importing this package
imports neither: ``loader`` and ``queries`` stay free of Flask.
"""
