"""Developer conveniences, served only in debug mode: the local mail outbox."""
