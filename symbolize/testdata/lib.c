// A shared library for the symbolizer's tests: one exported function (in
// .dynsym, so it survives strip) and one static function (only in .symtab).
static volatile int sink;

__attribute__((noinline)) static int lib_hidden(int x)
{
	sink += x;
	return sink * 3;
}

__attribute__((noinline)) int lib_exported(int x)
{
	sink += x;
	return lib_hidden(x) + 1;
}

// lib_addrs reports the functions' addresses as the library itself sees
// them, so a non-PIE caller's PLT never stands in for them.
void lib_addrs(void **exported, void **hidden)
{
	*exported = (void *)lib_exported;
	*hidden = (void *)lib_hidden;
}
