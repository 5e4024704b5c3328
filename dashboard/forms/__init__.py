"""Forms parse and check what was typed; the rules live in the services the views call.
Field errors come from Django's and the services' messages, Chinese by default."""
