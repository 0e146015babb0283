"""Publish: the HTTP server (SPARQL endpoint), and later dumps, VoID and remote servers."""
