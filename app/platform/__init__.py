"""What the factory installs around the views: caches, the query fast path.

Below the views, above the services: it knows Flask's request and response,
never a view.
"""
