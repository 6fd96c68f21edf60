"""The portal's own benchmark and load test (`make bench`, `make loadtest`).

Nothing here is imported by the portal: `bench.settings` extends the production settings with
a bare one-query view (the floor every page is compared with) and a response header that counts
each request's queries, and is only ever used by the servers these commands start.
"""
