namespace m6 { int bridgePlaceholder() { return 0; } }
