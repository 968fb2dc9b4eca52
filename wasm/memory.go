package wasm

import (
	"bytes"
	"fmt"

	"github.com/tetratelabs/wazero/api"
)

// maxCString bounds the names a guest passes (program, map, interface, path):
// a missing NUL must not make the host scan all of the guest's memory.
const maxCString = 4096

// view returns the guest's bytes [ptr, ptr+size), or an error naming what the
// pointer was for when the range leaves the guest's memory. The slice aliases
// guest memory and is valid until the guest runs again (it may grow memory).
func view(m api.Module, what string, ptr, size uint32) ([]byte, error) {
	mem := m.Memory()
	if mem == nil {
		return nil, fmt.Errorf("the guest exports no memory")
	}
	b, ok := mem.Read(ptr, size)
	if !ok {
		return nil, fmt.Errorf("%s [%#x, +%d) is outside the guest's %d bytes of memory", what, ptr, size, mem.Size())
	}
	return b, nil
}

// cstring reads the NUL-terminated string at ptr.
func cstring(m api.Module, what string, ptr uint32) (string, error) {
	mem := m.Memory()
	if mem == nil {
		return "", fmt.Errorf("the guest exports no memory")
	}
	if ptr >= mem.Size() {
		return "", fmt.Errorf("%s pointer %#x is outside the guest's %d bytes of memory", what, ptr, mem.Size())
	}
	b, _ := mem.Read(ptr, min(mem.Size()-ptr, maxCString))
	n := bytes.IndexByte(b, 0)
	if n < 0 {
		return "", fmt.Errorf("%s at %#x has no NUL within %d bytes", what, ptr, len(b))
	}
	return string(b[:n]), nil
}
