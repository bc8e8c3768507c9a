"""Pure rules of registration: reading a registrants file, matching a person to a ticket."""
