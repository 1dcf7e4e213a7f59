"""Things a user runs that are not the product itself: the Notion emulator, the sample server."""
