"""Registration and onboarding: the registrants list, the Register button, roles from
tickets, the gate, and the welcome that teaches newcomers Discord in one minute."""
