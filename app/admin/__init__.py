"""Administration: accounts (create, change, disable), officials and their regions, and the
audit-log viewer. Administrators only; every change is audited."""
