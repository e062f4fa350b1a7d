namespace m6 { int modelPlaceholder() { return 0; } }
