"""People as colleagues know them."""


def display_name(user) -> str:
    """A person as colleagues know them: the full name, else the username."""
    return user.get_full_name() or user.get_username()
