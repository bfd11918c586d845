"""Pure-Python business rules; imports nothing from Django."""
