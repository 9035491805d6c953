"""Privacy rights: the versioned privacy notice and consents, export of a user's data,
account deletion with a grace period, password change, signed-in devices, notification mail."""
