"""Reads: every non-trivial query a view, task, export or admin page asks for, one module per area.

Writes and computations with side effects are services (``addressbook.services``); the
admin, the API and the tasks call a selector for data and a service to change it.
"""
