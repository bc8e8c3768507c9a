"""The personal agenda: Interested on a session's Scheduled Event (or /agenda add) becomes my
programme, with reminders by my chosen mode and notices when my sessions change."""
