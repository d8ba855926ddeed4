"""Getting pages and results: the HTTP client, the polite fetcher, the page cache, search providers."""
