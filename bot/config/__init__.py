"""Configuration: settings from the environment, keys derived from the token, the version."""
