"""Cases as officers work them: starting, the repair application, the inbox, the case
detail shared by the page and the API, escalation when a deadline fires."""
