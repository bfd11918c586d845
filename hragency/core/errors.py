class ServiceError(Exception):
    """A refused operation, with the reason in words the user reads. Views show it; the API
    turns it into a 400 with the message; nothing has been written when it is raised."""
