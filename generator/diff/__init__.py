"""The change report: what a regeneration changes for the code that calls the client."""
