"""HR agency operations platform."""
