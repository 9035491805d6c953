"""Jobs: posting and managing them (service.py), the job page and job search (search.py),
and fraud reports with officials' decisions (reports.py); the pages of all three are in
routes.py."""
