"""A geospatial tracker of the infrastructure Vietnam has committed to in the Red River Delta.

It covers Hà Nội, Hải Phòng and the delta provinces. Data flows one way: ``data/`` is read
(:mod:`geotrack.io`) and checked (:mod:`geotrack.validate`), built into a store
(:mod:`geotrack.store`), filtered (:mod:`geotrack.filters`) and shown (:mod:`geotrack.ui`) or
exported (:mod:`geotrack.export`). ``docs/architecture.md`` draws the whole picture.

Public modules: ``settings``, ``errors``, ``vocab``, ``model``, ``geo``, ``io``, ``filters``,
``features``, ``changes``, ``validate``, ``history``, ``store``, ``build``, ``importer``,
``export``, ``ui``, ``cli`` and ``testing``. Modules whose names start with ``_`` are private.
"""

__version__ = "0.1.0"
