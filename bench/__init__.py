"""Benchmarks, offline evaluation and synthetic clients: code that measures the product.

Nothing here runs in production. It lives outside the runtime packages (``app``, ``search``,
``matching``, ``video``) so that they ship only what serves users; the dependency goes one
way: ``bench`` imports the runtime, the runtime never imports ``bench``.

- ``cli``: the ``yunpin bench ...`` and ``yunpin eval ...`` command groups.
- ``search`` (with ``search_corpus`` and its vocabularies in ``data/``), ``matching``,
  ``video`` and ``dashboards``: one benchmark each (``yunpin bench search|match|video|
  dashboards``); figures and how to run them at full size are in docs/benchmarks.md.
- ``evaluate`` and ``metrics``: ``yunpin eval match``, ranking quality on judged data sets.
- ``peers``: synthetic WebRTC clients, used by the video benchmark and by the tests.
- ``stats``: the percentile and memory figures every benchmark reports.
"""
