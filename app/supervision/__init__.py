"""The supervisor's console: the board and its SQL, reminders and reassignment, the
timer diagnosis, the scope a supervisor chooses from."""
