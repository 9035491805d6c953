"""A throw-away OpenSearch node from Maven Central, for the search tests and benchmarks."""
