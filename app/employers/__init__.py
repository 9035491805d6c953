"""Employers: company profiles, members and invitations, documents and their review by officials."""
