package wasm

// The host calls a guest's record callback from wasm, not from Go: a small
// generated module, the trampoline, loops over a poll's records, fetching each
// from the host (import "next") and calling the guest's callback. Each
// api.Function.Call from Go costs a goroutine in wazero when the runtime must
// stop on cancellation, so one call per poll instead of one per record makes
// delivery several times faster. The trampoline also gives the host what
// wazero's API lacks: a call by function-table index.

// Names of the modules the trampolines link against.
const (
	// guestName is the name the guest module is instantiated under.
	guestName = "guest"
	// hostName is the host module that exports "next" to the trampolines.
	hostName = "nomia_wasm_bpf_host"
)

// tableExport is the export under which wasm-ld publishes a module's function
// table when linked with --export-table, as wasm-bpf's C and Rust guests are.
const tableExport = "__indirect_function_table"

// WebAssembly encoding constants the trampolines use.
const (
	wasmI32     = 0x7f
	wasmFuncRef = 0x70
	wasmVoid    = 0x40 // an empty block type

	opLoop, opIf, opEnd, opBr, opReturn = 0x03, 0x04, 0x0b, 0x0c, 0x0f
	opCall, opCallIndirect              = 0x10, 0x11
	opLocalGet, opLocalTee              = 0x20, 0x22
	opI32Const, opI32LtS                = 0x41, 0x48
)

// Function types of the trampolines: next is () → i32; callbacks and drain
// are (i32 i32 i32) → i32.
var trampolineTypes = section(1, vec(
	[]byte{0x60, 0x00, 0x01, wasmI32},
	[]byte{0x60, 0x03, wasmI32, wasmI32, wasmI32, 0x01, wasmI32},
))

const (
	typeNext     = 0
	typeCallback = 1
)

// tableTrampoline imports the guest's function table and exports
//
//	drain(index, ctx, data) i32
//
// which, for each record next() returns the size of (it copies the record to
// data; -1 ends the poll), calls table[index](ctx, data, size) and stops at
// the first nonzero result, which it returns. call_indirect checks the
// callee's signature, so a sample_func of the wrong type traps.
func tableTrampoline() []byte {
	imports := section(2, vec(
		importEntry(guestName, tableExport, 0x01, wasmFuncRef, 0x00, 0x00), // a funcref table, min 0
		importEntry(hostName, "next", 0x00, typeNext),                      // function 0
	))
	// Parameters: 0 index, 1 ctx, 2 data; local 3 is the size, then the result.
	call := []byte{opLocalGet, 0, opCallIndirect, typeCallback, 0}
	return module(imports, 1, drainBody(0, call))
}

// exportTrampoline imports the guest's export callback and exports the same
// drain as tableTrampoline (its index parameter unused), calling
// callback(ctx, data, size) for each record: the callback-wrapper variant.
func exportTrampoline(callback string) []byte {
	imports := section(2, vec(
		importEntry(guestName, callback, 0x00, typeCallback), // function 0
		importEntry(hostName, "next", 0x00, typeNext),        // function 1
	))
	return module(imports, 2, drainBody(1, []byte{opCall, 0}))
}

// drainBody is the code of drain: loop { size = next(); if size < 0 return 0;
// rc = <call>(ctx, data, size); if rc != 0 return rc }.
func drainBody(next byte, call []byte) []byte {
	code := []byte{
		0x01, 0x01, wasmI32, // one local i32
		opLoop, wasmVoid,
		opCall, next, opLocalTee, 3,
		opI32Const, 0, opI32LtS,
		opIf, wasmVoid, opI32Const, 0, opReturn, opEnd,
		opLocalGet, 1, opLocalGet, 2, opLocalGet, 3,
	}
	code = append(code, call...)
	code = append(code,
		opLocalTee, 3,
		opIf, wasmVoid, opLocalGet, 3, opReturn, opEnd,
		opBr, 0,
		opEnd,
		opI32Const, 0, // not reached; the function must end with its result
		opEnd)
	return code
}

// module assembles a trampoline from its imports, of which funcImports are
// functions, and the code of drain, its one function and export.
func module(imports []byte, funcImports byte, body []byte) []byte {
	out := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00} // magic, version 1
	out = append(out, trampolineTypes...)
	out = append(out, imports...)
	out = append(out, section(3, vec([]byte{typeCallback}))...)
	out = append(out, section(7, vec(append(name("drain"), 0x00, funcImports)))...)
	return append(out, section(10, vec(append(uleb(uint32(len(body))), body...)))...)
}

// section encodes a module section with its id and size.
func section(id byte, content []byte) []byte {
	return append(append([]byte{id}, uleb(uint32(len(content)))...), content...)
}

// vec encodes a vector of already encoded entries.
func vec(entries ...[]byte) []byte {
	out := uleb(uint32(len(entries)))
	for _, e := range entries {
		out = append(out, e...)
	}
	return out
}

// name encodes a string.
func name(s string) []byte { return append(uleb(uint32(len(s))), s...) }

// importEntry encodes an import of kind (0 function, 1 table) with its type.
func importEntry(module, field string, kind byte, desc ...byte) []byte {
	out := append(name(module), name(field)...)
	return append(append(out, kind), desc...)
}

// uleb encodes v as unsigned LEB128.
func uleb(v uint32) []byte {
	var out []byte
	for {
		b := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(out, b)
		}
		out = append(out, b|0x80)
	}
}
