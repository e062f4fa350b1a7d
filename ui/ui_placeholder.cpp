namespace m6 { int uiPlaceholder() { return 0; } }
