"""Operating the bot: graceful stop, checks, backup and restore, personal data, statistics."""
