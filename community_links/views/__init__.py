"""Pages of community links: the directory and referrals for the team (views.team), the
partner portal and the signed link (views.partners)."""
