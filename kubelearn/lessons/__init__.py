"""Lessons: the course's YAML files, their checks against the sandbox, and the pages around them.

Pure modules (no Django): ``schema``, ``fields``, ``loader``, ``validate``, ``checks``,
``runner``, ``markdown``, ``jsonschema``. Django shell: ``registry``, ``models``, ``progress``,
``sandbox``, ``views``, ``urls`` and the ``lessons`` management command.
"""
