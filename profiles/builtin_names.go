package profiles

// BuiltinNames are the names of the built-in profiles, sorted.
func BuiltinNames() []string { return builtinNames() }
