"""Chinese working days: the arithmetic (workdays), the administrators' table
(overrides) and the one rule for "overdue" and "due soon" (urgency)."""
