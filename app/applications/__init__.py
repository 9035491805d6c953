"""Applications: one-click apply, the candidate's list, the employer's pipeline, export and invitations."""
