"""The register (名单): proposals, each move of an entry, the exceptional paths, the
actions diagrams call, documents and their numbers, the public queries and feed,
the import of historical listings."""
