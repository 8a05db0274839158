"""Chinese search across all boards, 供需匹配 and the map.

Importing the package registers the ORM listeners that keep the search index right (see `app.search.indexer`).
"""

from app.search import indexer as indexer
