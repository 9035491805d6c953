"""Identity checks (远程核验): the legal representative's video check and the official's decision."""
