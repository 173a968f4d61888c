"""Tenant B's objects for the parts that hang off a project (change requests, risk flags,
inspections, outcomes, aftercare,
sanctions). Each app's module here defines `register(foreign, member_b, project)`, which adds its
foreign objects to `foreign`, and `markers(foreign)`, which returns (object, text) pairs whose text
must never appear to a role the object is hidden from. The access walk calls every module listed."""

import importlib

PARTS = ("changes", "risks", "inspections", "outcomes", "aftercare", "sanctions")


def modules():
    found = []
    for name in PARTS:
        try:
            found.append(importlib.import_module(f"tests.walk_parts.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.walk_parts.{name}":
                raise
    return found
