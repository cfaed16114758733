"""Writes of community links: referrals (services.referrals) and partner-proposed directory
changes (services.directory)."""
