"""Moderation, one concern a module.

* ``items``: a comment as the queues show it (context, author history, report reasons), and
  one page of such items by keyset (app.services.paging).
* ``queues``: the queues (``QUEUES``), their counts, and one comment in the queue shape.
* ``actions``: approve, reject, spam, restore, feature, unfeature: one comment or in bulk.
* ``search``: every comment matching a moderator's filters.
* ``audit_log``: reading the audit log (app.services.audit writes it).

Who may moderate what is app.services.permissions; authors: app.services.authors; articles:
app.services.articles; settings: app.services.site_settings. Every function takes the acting
user and checks their rights first, so the API and the dashboard cannot forget it.
"""
