"""Jobs: posting and managing them, the job page, job search, and fraud reports with officials' decisions."""
