"""What the JSON API, the widget's frame and the dashboard share on the request side.

* ``viewer``: who is asking (a bearer token, the session's account or guest id, or nobody),
  as a real ``User``/``Viewer``; and the one CSRF check for state-changing cookie requests.
* ``parsing``: reading request input (JSON bodies, query numbers) with the contract's 4xx.
* ``caching``: ETags, 304s and Cache-Control/Vary of reader answers (threads, counts, frame).
* ``serializers``: the JSON shapes readers get, and the public base URL for links in them.

Services never read the request; these helpers turn it into plain values for them.
"""
