"""Online job fairs: officials create them, employers register jobs, candidates apply."""
