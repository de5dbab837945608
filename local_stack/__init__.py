"""One launcher for the local stack (Redis, local_glean, the Slack sandbox, the bot, workers): demo, tests, bench."""
