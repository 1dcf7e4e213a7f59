"""Things a user runs that are not the product itself: the sample server, emulators."""
