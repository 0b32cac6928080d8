"""The hosted Link flow: Link URLs (tokens), the redirect URL rules and filling, the public
pages end users reach, and the Link settings staff manage."""
