"""Demo data for `make run`: users and posts in every city of mainland China."""

# What `make run` seeds: enough that every city of geo/data/cities.yaml gets a few posts.
DEFAULT_POSTS = 5000
