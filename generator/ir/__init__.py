"""The intermediate representation templates read, and how it is built from a spec."""
