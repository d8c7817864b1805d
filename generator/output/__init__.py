"""Code out: render the templates, format with black, write the package."""
