"""The rules of each register: statuses, transitions, numbering, what is due."""
