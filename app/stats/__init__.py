"""Figures of the work for the supervisors: the counts, their SQL, the tables."""
