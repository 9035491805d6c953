"""Saved job searches with instant or daily alerts, favourite jobs, and who viewed a résumé."""
