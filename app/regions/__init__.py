"""Administrative divisions: the data loader, the ``yunpin regions`` commands, the JSON
endpoints behind the region picker, and the vendored maps.

``views.bp`` is the blueprint (url_prefix ``/regions``), ``cli.regions_cli`` the click group.
Importing this package imports neither: ``loader`` and ``queries`` stay free of Flask.
"""
