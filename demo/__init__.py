"""`gleanbot demo`: the whole bot running offline (local_glean, Redis, worker, bot, Slack sandbox) behind one URL."""
