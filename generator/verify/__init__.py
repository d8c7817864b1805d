"""`clientsmith verify`: recorded HTTP traffic checked against a spec, each disagreement located in its fragment."""
