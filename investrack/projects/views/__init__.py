"""Project pages. Thin: parse the request, call a selector or a service, render.

- ``lists``: the overview and the lists
- ``project``: one project, its form and its actions
- ``files``: exports, imports, templates
"""
