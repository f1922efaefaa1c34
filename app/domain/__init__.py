"""Rules of the procedure. Imports neither Flask nor SpiffWorkflow."""
