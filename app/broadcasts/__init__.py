"""Live policy briefings and job-fair livestreams (see service.py and video/broadcast/)."""
