"""The claimant's side: the intake service, their cases, uploads, links, commands."""
