"""Models: pydantic classes from datamodel-code-generator, and their split into modules."""
