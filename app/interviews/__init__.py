"""Video interviews: proposing and picking times, reminders, the lobby, the room page and scorecards."""
