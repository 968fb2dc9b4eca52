package wasmbpf

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// Global locates one global variable of the BPF object in its ELF bytes.
// `nomia build --wasm` generates the table from the object's BTF.
type Global struct {
	// Name is the C identifier.
	Name string
	// Section is the ELF section holding the variable: ".rodata", ".data",
	// ".bss", ".rodata.foo" …
	Section string
	// Offset is where the variable's bytes start in the ELF file; it is
	// meaningless for .bss, whose bytes the file does not hold.
	Offset uint32
	// Size is the variable's size in bytes.
	Size uint32
}

// Settable says why g cannot be set through the ELF bytes, or returns nil.
func (g *Global) Settable() error {
	if strings.HasPrefix(g.Section, ".bss") {
		return fmt.Errorf("global %s is in %s, which has no bytes in the object: give it an initialiser or make it const volatile", g.Name, g.Section)
	}
	return nil
}

// encode returns the bytes of v for a variable of size bytes: a []byte or
// string shorter than size is zero-padded (for char arrays), anything else
// must be a fixed-size value of exactly size bytes, encoded little-endian as
// the BPF target is.
func encode(v any, size int) ([]byte, error) {
	switch x := v.(type) {
	case []byte:
		return pad(x, size)
	case string:
		return pad([]byte(x), size)
	}
	n := binary.Size(v)
	if n < 0 {
		return nil, fmt.Errorf("%T has no fixed size: use a sized type such as uint32, int64, bool, [16]byte or a struct of them", v)
	}
	if n != size {
		return nil, fmt.Errorf("%T is %d bytes, want %d", v, n, size)
	}
	return binary.Append(nil, binary.LittleEndian, v)
}

// pad returns b zero-padded to size bytes.
func pad(b []byte, size int) ([]byte, error) {
	if len(b) > size {
		return nil, fmt.Errorf("%d bytes do not fit in %d", len(b), size)
	}
	out := make([]byte, size)
	copy(out, b)
	return out, nil
}

// decode stores b in v, a *[]byte or a pointer to a fixed-size value.
func decode(b []byte, v any) error {
	if p, ok := v.(*[]byte); ok {
		*p = append((*p)[:0], b...)
		return nil
	}
	if p, ok := v.([]byte); ok {
		if len(p) != len(b) {
			return fmt.Errorf("a []byte of %d bytes cannot hold %d", len(p), len(b))
		}
		copy(p, b)
		return nil
	}
	if _, err := binary.Decode(b, binary.LittleEndian, v); err != nil {
		return fmt.Errorf("decode %d bytes into %T: %v", len(b), v, err)
	}
	return nil
}

// sizeOf is the number of bytes v holds: len for a []byte, binary.Size for a
// pointer to a fixed-size value.
func sizeOf(v any) (int, error) {
	if p, ok := v.([]byte); ok {
		return len(p), nil
	}
	n := binary.Size(v)
	if n < 0 {
		return 0, fmt.Errorf("%T has no fixed size: pass a []byte or a pointer to a sized type", v)
	}
	return n, nil
}

// CString returns the text of a NUL-terminated C char array, such as an
// event's comm field.
func CString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
