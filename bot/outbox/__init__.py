"""What the bot sends: typed messages, the durable queue and the sender."""
