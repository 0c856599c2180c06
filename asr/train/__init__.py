"""Training recipe for the streaming acoustic model (`xiangyin train`)."""
