package wasm

// guestName is the name the guest module is instantiated under; the trampoline
// imports the guest's function table from it.
const guestName = "guest"

// tableExport is the export under which wasm-ld publishes a module's function
// table when linked with --export-table, as wasm-bpf's C and Rust guests are.
const tableExport = "__indirect_function_table"

// trampolineWasm is a hand-assembled module that lets the host call a guest
// function by its table index, which wazero's API cannot do directly. It
// imports guest.__indirect_function_table and exports
//
//	call(index, ctx, data, size i32) i32 = table[index](ctx, data, size)
//
// call_indirect checks the callee's signature, so a sample_func of the wrong
// type traps instead of misbehaving.
var trampolineWasm = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
	// type section: 0 = (i32 i32 i32 i32) → i32, 1 = (i32 i32 i32) → i32
	0x01, 0x10, 0x02,
	0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f,
	0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x01, 0x7f,
	// import section: guest.__indirect_function_table, a funcref table, min 0
	0x02, 0x25, 0x01,
	0x05, 'g', 'u', 'e', 's', 't',
	0x19, '_', '_', 'i', 'n', 'd', 'i', 'r', 'e', 'c', 't', '_', 'f', 'u', 'n', 'c', 't', 'i', 'o', 'n', '_', 't', 'a', 'b', 'l', 'e',
	0x01, 0x70, 0x00, 0x00,
	// function section: one function of type 0
	0x03, 0x02, 0x01, 0x00,
	// export section: "call" = function 0
	0x07, 0x08, 0x01, 0x04, 'c', 'a', 'l', 'l', 0x00, 0x00,
	// code section: local.get 1, 2, 3, 0; call_indirect type 1 table 0; end
	0x0a, 0x0f, 0x01, 0x0d, 0x00,
	0x20, 0x01, 0x20, 0x02, 0x20, 0x03, 0x20, 0x00,
	0x11, 0x01, 0x00, 0x0b,
}
