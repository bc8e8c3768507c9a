"""The programme: sessions, their places, Scheduled Events, reminders, schedule files, calendar."""
