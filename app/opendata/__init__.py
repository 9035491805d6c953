"""Open job data: schema.org JobPosting JSON-LD, the sitemap, robots.txt and Atom feeds."""
