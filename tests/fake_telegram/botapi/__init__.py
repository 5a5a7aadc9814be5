"""The vendored Bot API description (api.json) and the script that refreshes it."""
