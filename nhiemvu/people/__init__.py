"""First run (organisation tree from a sheet or a plan) and the agency's people: accounts, invitations, leaving."""
